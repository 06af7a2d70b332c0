import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger as PinoLogger } from 'pino';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller the API's guard authenticated (request.user), by its client id. */
function clientOf(request: FastifyRequest): string | undefined {
  const clientId = (request as { user?: { clientId?: unknown } }).user?.clientId;
  return typeof clientId === 'string' ? clientId : undefined;
}

/** A Fastify request hook: (request, reply, done). */
export type RequestHook = (request: FastifyRequest, reply: FastifyReply, done: () => void) => void;

/**
 * Request ids unique across instances without a random draw per request:
 * a random per-process prefix and a counter.
 */
export function createRequestIdGenerator(): () => string {
  const prefix = randomBytes(6).toString('base64url');
  let counter = 0;
  return () => `${prefix}-${(counter++).toString(36)}`;
}

/**
 * One JSON line per request at `info`, with a request id taken from
 * X-Request-Id when well-formed (else generated), echoed back to the client.
 * It runs first for every request, the authorization server's included: the
 * provider writes its responses itself, so under `rawPrefix` the id goes on
 * the raw response; elsewhere on Fastify's reply (a header set on the raw
 * response makes Node merge every later header into it one by one, a cost
 * measured in tens of microseconds per request). URLs are logged without
 * their query string: OAuth redirects and callbacks carry codes, states and
 * tokens there; headers are never logged. The caller is named by its
 * client id (an API key by `apikey:<id>`). Once the process is stopping,
 * every answer closes its connection.
 *
 * Deliberately light: it runs on every token request, where the whole budget
 * is a few hundred microseconds. Above `info` no request line is written, so
 * no finish listener is attached (5xx are logged where they happen: the
 * problem-details filter and the provider's server_error handler).
 */
export function createRequestLogger(logger: PinoLogger, rawPrefix: string, draining: { readonly active: boolean }): RequestHook {
  const nextId = createRequestIdGenerator();
  return (request, reply, done) => {
    const incoming = request.headers['x-request-id'];
    const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : nextId();
    const response = reply.raw;
    const url = request.raw.url ?? '/';
    if (url.startsWith(rawPrefix)) response.setHeader('X-Request-Id', id);
    else void reply.header('x-request-id', id);
    // Stopping: this answer closes its keep-alive connection, so the client sends its next request elsewhere.
    if (draining.active) response.setHeader('Connection', 'close');
    if (logger.isLevelEnabled('info') && !url.startsWith('/health/')) {
      const started = performance.now();
      response.once('finish', () => {
        logger[response.statusCode >= 500 ? 'error' : 'info'](
          {
            req: { id, method: request.raw.method, path: url.split('?')[0] },
            // Who called, once authenticated: a client id, or `apikey:<id>` for an API key (never a credential).
            client: clientOf(request),
            res: { statusCode: response.statusCode },
            responseTime: Math.round(performance.now() - started),
          },
          'request completed',
        );
      });
    }
    done();
  };
}
