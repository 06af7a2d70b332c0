import type { FastifyRequest } from 'fastify';

/** What browsers send to our cross-origin routes, and what they may read back. */
// Joined once: @fastify/cors would join arrays again on every cross-origin request.
const ALLOWED_HEADERS = ['authorization', 'content-type', 'if-none-match', 'if-match', 'last-event-id', 'x-api-key', 'dpop'].join(', ');
const EXPOSED_HEADERS = ['etag', 'www-authenticate', 'retry-after', 'x-request-id', 'dpop-nonce'].join(', ');
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'].join(', ');
const MAX_AGE_SECONDS = 600;

export interface CorsPolicy {
  /** Whether the request's path is one browsers may call cross-origin at all. */
  crossOrigin(path: string): boolean;
  /** Whether this origin registered to call us. */
  allows(origin: string): boolean | Promise<boolean>;
}

type CorsOptions = Record<string, unknown> & { origin: string | false };
type Callback = (error: Error | null, options: CorsOptions) => void;

/**
 * @fastify/cors's per-request options (its delegator): an allowed origin on a
 * cross-origin path gets exactly its own origin back (never `*`), the headers
 * OpenFeature and OIDC browser libraries send, and no credentials; anything
 * else gets no CORS headers at all, and its preflight is not answered.
 */
export function corsDelegator(policy: CorsPolicy): (request: FastifyRequest, callback: Callback) => void {
  const allow = (origin: string): CorsOptions => ({
    origin,
    methods: METHODS,
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    credentials: false,
    maxAge: MAX_AGE_SECONDS,
    strictPreflight: true,
  });
  const refuse: CorsOptions = { origin: false };
  return (request, callback) => {
    const origin = request.headers.origin;
    if (typeof origin !== 'string' || origin === 'null' || !policy.crossOrigin(request.url.split('?')[0]!)) return callback(null, refuse);
    const allowed = policy.allows(origin);
    if (typeof allowed === 'boolean') return callback(null, allowed ? allow(origin) : refuse);
    allowed.then(
      (yes) => callback(null, yes ? allow(origin) : refuse),
      (error: Error) => callback(error, refuse),
    );
  };
}
