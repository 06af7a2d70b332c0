import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { PoolConfig } from 'pg';
import { keepProtocolSequencesTogether } from './pglite-message-order.js';

// PostgreSQL's own socket naming lets `pg` reach the embedded server with
// { host: <directory>, port } and no TCP port to pick or collide on.
const SOCKET_PORT = 5432;
const MAX_UNIX_SOCKET_PATH = 107;
/** Connections the socket server accepts: the server's pool and a CLI beside it. */
export const EMBEDDED_MAX_CONNECTIONS = 64;
export const EMBEDDED_POOL_MAX = 16;
const OWNER_WAIT_MS = 30_000;

export interface EmbeddedDatabase {
  connection: PoolConfig;
  /** False when another process already serves this DATA_DIR and we joined it. */
  owned: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /**
   * Join a database another process serves (the CLI beside a running
   * server). A server never joins: the owner might be a CLI about to exit,
   * so it waits for the owner to leave and then serves the files itself.
   */
  joinRunning: boolean;
}

function socketAnswers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** One owner per data directory: a lock file holding the owner's pid, reclaimed when that process is gone. */
function tryLock(lockPath: string): boolean {
  try {
    const descriptor = openSync(lockPath, 'wx', 0o600);
    writeSync(descriptor, String(process.pid));
    closeSync(descriptor);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const owner = Number(readFileSync(lockPath, 'utf8').trim());
  if (Number.isInteger(owner) && owner > 0 && processAlive(owner)) return false;
  rmSync(lockPath, { force: true });
  return tryLock(lockPath);
}

/**
 * Runs PostgreSQL (PGlite, compiled to WASM) on files under dataDir and
 * serves it on a Unix socket there, so the CLI can reach it while the server
 * runs.
 */
export async function startEmbeddedPostgres(dataDir: string, options: EmbeddedOptions = { joinRunning: true }): Promise<EmbeddedDatabase> {
  const socketDirectory = join(dataDir, 'run');
  const socketPath = join(socketDirectory, `.s.PGSQL.${SOCKET_PORT}`);
  const lockPath = join(socketDirectory, 'owner.pid');
  if (socketPath.length > MAX_UNIX_SOCKET_PATH) {
    throw new Error(`DATA_DIR is too long for the embedded database's socket (${socketPath}); use a shorter path`);
  }
  const connection: PoolConfig = { host: socketDirectory, port: SOCKET_PORT, user: 'postgres', database: 'postgres' };
  mkdirSync(socketDirectory, { recursive: true });

  const deadline = Date.now() + OWNER_WAIT_MS;
  while (!tryLock(lockPath)) {
    if (options.joinRunning && existsSync(socketPath) && (await socketAnswers(socketPath))) {
      return { connection, owned: false, stop: async () => {} };
    }
    if (Date.now() > deadline) {
      throw new Error(
        `another process is serving the embedded database in ${dataDir} (another Tenantry server?); stop it or set DATABASE_URL`,
      );
    }
    await sleep(200);
  }

  try {
    rmSync(socketPath, { force: true });
    const database = await PGlite.create({ dataDir: join(dataDir, 'pgdata') });
    const server = new PGLiteSocketServer({ db: database, path: socketPath, maxConnections: EMBEDDED_MAX_CONNECTIONS });
    keepProtocolSequencesTogether(server);
    await server.start();
    return {
      connection,
      owned: true,
      async stop() {
        await server.stop();
        await database.close();
        rmSync(socketPath, { force: true });
        rmSync(lockPath, { force: true });
      },
    };
  } catch (error) {
    rmSync(lockPath, { force: true });
    throw error;
  }
}
