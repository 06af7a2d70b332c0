import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger as PinoLogger } from 'pino';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export type RequestLogger = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * One JSON line per request, with a request id taken from X-Request-Id when
 * well-formed (else generated), echoed back to the client. URLs are logged
 * without their query string: OAuth redirects and callbacks carry codes,
 * states and tokens there; headers are never logged. Deliberately lighter
 * than pino-http (no child logger per request): it runs on every token
 * request, where the budget is a few hundred microseconds.
 */
export function createRequestLogger(logger: PinoLogger): RequestLogger {
  return (request, response) => {
    const incoming = request.headers['x-request-id'];
    const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    response.setHeader('X-Request-Id', id);
    const url = request.url ?? '/';
    if (url.startsWith('/health/') || !logger.isLevelEnabled('error')) return;
    const started = performance.now();
    const info = logger.isLevelEnabled('info');
    response.once('finish', () => {
      const level = response.statusCode >= 500 ? 'error' : 'info';
      if (level === 'info' && !info) return;
      logger[level](
        {
          req: { id, method: request.method, path: url.split('?')[0] },
          res: { statusCode: response.statusCode },
          responseTime: Math.round(performance.now() - started),
        },
        'request completed',
      );
    });
  };
}
