import type { Server } from 'node:http';
import { Server as NetServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Socket } from 'node:net';
import type { Draining } from './draining.js';

// A keep-alive client that is sending right now gets its answer, with
// Connection: close, within this; connections still idle after it are closed.
const IDLE_GRACE_MS = 1_000;
const POLL_MS = 20;

/** The connections a server holds open, counted from the start. */
export function trackConnections(server: Server): { readonly open: number } {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return {
    get open() {
      return sockets.size;
    },
  };
}

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() >= deadline) return false;
    await sleep(POLL_MS);
  }
  return true;
}

/**
 * A stop that loses no request that reached the server: the draining state
 * begins (every later response says Connection: close, so each keep-alive
 * connection closes after its current answer; readiness turns false; change
 * streams end with a retry hint), the server stops accepting connections,
 * connections that stay idle are closed after a short grace, and the call
 * returns once no connection is left (the caller's deadline bounds it).
 *
 * It stops accepting with net.Server#close, not http.Server#close: the
 * latter also closes idle keep-alive connections at once, and a client
 * sending on one at that moment would see its request reset.
 */
export async function drainConnections(server: Server, connections: { readonly open: number }, draining: Draining): Promise<void> {
  draining.begin();
  NetServer.prototype.close.call(server);
  if (await until(() => connections.open === 0, IDLE_GRACE_MS)) return;
  server.closeIdleConnections();
  await until(() => connections.open === 0, Number.POSITIVE_INFINITY);
}
