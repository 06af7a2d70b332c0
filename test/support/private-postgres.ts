import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './test-app.js';
import type { TestDatabase } from './test-database.js';

const BIN = process.env.POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';
/** pg_ctl's shutdown modes: wait for sessions, end them, or crash-stop (recovery at the next start). */
export type StopMode = 'smart' | 'fast' | 'immediate';

/**
 * A PostgreSQL server a test starts, stops and restarts itself, never the
 * machine's: its own data directory, port and socket directory under a
 * temporary folder. PostgreSQL refuses to run as root, so as root it runs as
 * the `postgres` OS user (who then owns the folder).
 */
export class PrivatePostgres {
  private constructor(
    readonly directory: string,
    readonly port: number,
    private readonly runAs: string | undefined,
  ) {}

  get dataDirectory(): string {
    return join(this.directory, 'data');
  }

  get url(): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /** What startTestApp takes: this server's database, left in place on close (remove() clears it all). */
  get testDatabase(): TestDatabase {
    return { kind: 'server', env: { DATABASE_URL: this.url }, drop: async () => undefined };
  }

  static available(): boolean {
    return existsSync(join(BIN, 'initdb')) && existsSync(join(BIN, 'pg_ctl'));
  }

  static async create(): Promise<PrivatePostgres> {
    const directory = mkdtempSync(join(tmpdir(), 'tenantry-pg-'));
    const runAs = process.getuid?.() === 0 ? 'postgres' : undefined;
    if (runAs) {
      const uid = Number(execFileSync('id', ['-u', runAs], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', runAs], { encoding: 'utf8' }).trim());
      chownSync(directory, uid, gid);
    }
    const server = new PrivatePostgres(directory, await freePort(), runAs);
    await server.run('initdb', [
      '-D',
      server.dataDirectory,
      '-U',
      'postgres',
      '-A',
      'trust',
      '--no-sync',
      '--no-instructions',
      '-E',
      'UTF8',
    ]);
    await server.start();
    return server;
  }

  async start(): Promise<void> {
    const options = [`-p ${this.port}`, `-k ${this.directory}`, "-c listen_addresses='127.0.0.1'", '-c fsync=off', '-c max_connections=50'];
    await this.run('pg_ctl', [
      '-D',
      this.dataDirectory,
      '-l',
      join(this.directory, 'server.log'),
      '-o',
      options.join(' '),
      '-w',
      '-t',
      '30',
      'start',
    ]);
  }

  async stop(mode: StopMode = 'fast'): Promise<void> {
    await this.run('pg_ctl', ['-D', this.dataDirectory, '-m', mode, '-w', '-t', '30', 'stop']);
  }

  /** True when a new connection gets an answer to a query. */
  async acceptsConnections(): Promise<boolean> {
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 1_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** Stops the server if it runs and removes its folder. */
  async remove(): Promise<void> {
    if (existsSync(join(this.dataDirectory, 'postmaster.pid'))) await this.stop('immediate').catch(() => undefined);
    rmSync(this.directory, { recursive: true, force: true });
  }

  private run(program: string, args: string[]): Promise<void> {
    const command = this.runAs ? 'runuser' : join(BIN, program);
    const argv = this.runAs ? ['-u', this.runAs, '--', join(BIN, program), ...args] : args;
    return new Promise((resolve, reject) => {
      const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      child.once('error', reject);
      child.once('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`${program} ${args.join(' ')} exited with ${code}: ${output}`)),
      );
    });
  }
}
