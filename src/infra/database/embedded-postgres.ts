import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { PoolConfig } from 'pg';

// PostgreSQL's own socket naming lets `pg` reach the embedded server with
// { host: <directory>, port } and no TCP port to pick or collide on.
const SOCKET_PORT = 5432;
const MAX_UNIX_SOCKET_PATH = 107;
// A pool of this many connections multiplexes onto PGlite's single backend.
const MAX_CONNECTIONS = 32;

export interface EmbeddedDatabase {
  connection: PoolConfig;
  /** False when another process already serves this DATA_DIR and we joined it. */
  owned: boolean;
  stop(): Promise<void>;
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

/**
 * Runs PostgreSQL (PGlite, compiled to WASM) on files under dataDir and serves
 * it on a Unix socket there. A second process started on the same DATA_DIR
 * (the CLI while the server runs) connects to the running one instead of
 * opening the files twice.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedDatabase> {
  const socketDirectory = join(dataDir, 'run');
  const socketPath = join(socketDirectory, `.s.PGSQL.${SOCKET_PORT}`);
  if (socketPath.length > MAX_UNIX_SOCKET_PATH) {
    throw new Error(`DATA_DIR is too long for the embedded database's socket (${socketPath}); use a shorter path`);
  }
  const connection: PoolConfig = { host: socketDirectory, port: SOCKET_PORT, user: 'postgres', database: 'postgres' };
  mkdirSync(socketDirectory, { recursive: true });

  if (existsSync(socketPath)) {
    if (await socketAnswers(socketPath)) {
      return { connection, owned: false, stop: async () => {} };
    }
    rmSync(socketPath, { force: true });
  }

  const database = await PGlite.create({ dataDir: join(dataDir, 'pgdata') });
  const server = new PGLiteSocketServer({ db: database, path: socketPath, maxConnections: MAX_CONNECTIONS });
  await server.start();
  return {
    connection,
    owned: true,
    async stop() {
      await server.stop();
      await database.close();
      rmSync(socketPath, { force: true });
    },
  };
}
