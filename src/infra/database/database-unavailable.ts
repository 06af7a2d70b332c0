/** What a client is told to wait before retrying while the database is unreachable (Retry-After). */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

// PostgreSQL's SQLSTATEs for "this connection is gone or cannot be had now":
// class 08 (connection exception) by prefix, and these.
const UNAVAILABLE_SQLSTATES = new Set([
  '57P01', // admin_shutdown: terminating connection due to administrator command
  '57P02', // crash_shutdown: another backend crashed, every connection is reset
  '57P03', // cannot_connect_now: the server is starting up or shutting down
  '57P05', // idle_session_timeout
  '53300', // too_many_connections
]);
const CONNECTION_EXCEPTION_CLASS = /^08[0-9A-Z]{3}$/;

// Node's socket errors on the way to the server (pg passes them on as they are).
const SOCKET_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

// Prisma's connectivity codes: can't reach, timed out, server closed the connection, pool timeout.
const PRISMA_UNAVAILABLE_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);

// P2028 is any misuse of Prisma's transaction API; this one is waiting too long for a connection.
const PRISMA_NO_CONNECTION_IN_TIME = 'Unable to start a transaction in the given time.';

// @prisma/adapter-pg's `DriverAdapterError.cause.kind` for socket-level failures.
const ADAPTER_UNAVAILABLE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);

// pg and pg-pool raise these as plain Errors without a code; Prisma's adapter rethrows them unwrapped.
const CONNECTION_MESSAGES = new Set([
  'Connection terminated unexpectedly',
  'Connection terminated',
  'Connection terminated due to connection timeout',
  'timeout expired',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'Cannot use a pool after calling end on the pool',
]);

const MAX_VISITED = 16;

function isUnavailableCode(code: unknown): boolean {
  if (typeof code !== 'string') return false;
  return (
    UNAVAILABLE_SQLSTATES.has(code) ||
    CONNECTION_EXCEPTION_CLASS.test(code) ||
    SOCKET_ERROR_CODES.has(code) ||
    PRISMA_UNAVAILABLE_CODES.has(code)
  );
}

function signalsUnavailable(value: Record<string, unknown>): boolean {
  const { code, originalCode, kind, message, syscall } = value;
  if (isUnavailableCode(code) || isUnavailableCode(originalCode)) return true;
  // A Unix-socket server that is not running: its socket file is gone.
  if (code === 'ENOENT' && syscall === 'connect') return true;
  if (typeof kind === 'string' && ADAPTER_UNAVAILABLE_KINDS.has(kind)) return true;
  if (code === 'P2028' && typeof message === 'string' && message.endsWith(PRISMA_NO_CONNECTION_IN_TIME)) return true;
  return typeof message === 'string' && CONNECTION_MESSAGES.has(message);
}

/** Where a wrapper keeps what it wraps: `cause`, Prisma's `meta.driverAdapterError`, an AggregateError's `errors`. */
function wrapped(value: Record<string, unknown>): unknown[] {
  const inner: unknown[] = [value.cause];
  const meta = value.meta;
  if (typeof meta === 'object' && meta !== null) inner.push((meta as Record<string, unknown>).driverAdapterError);
  if (Array.isArray(value.errors)) inner.push(...(value.errors as unknown[]));
  return inner;
}

/**
 * Whether an error means the database cannot be reached right now (stopped,
 * restarting, dropping or refusing connections, or the pool waited too long
 * for one), as opposed to a fault in the request or in our code. The one
 * place that knows the shapes such an error takes on its way up: pg's own
 * (socket errors, the server's FATAL SQLSTATEs, its code-less connection
 * messages) and Prisma's wrapping of them (`P1001`..., or `P2010`/`P2039`
 * with the driver adapter's error in `meta.driverAdapterError`, whose `cause`
 * carries `kind` and `originalCode`). Wrappers are unwrapped through `cause`,
 * so an error that keeps the original as its cause is recognised too.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const visited = new Set<object>();
  const pending: unknown[] = [error];
  while (pending.length > 0 && visited.size < MAX_VISITED) {
    const current = pending.pop();
    if (typeof current !== 'object' || current === null || visited.has(current)) continue;
    visited.add(current);
    const value = current as Record<string, unknown>;
    if (signalsUnavailable(value)) return true;
    pending.push(...wrapped(value));
  }
  return false;
}
