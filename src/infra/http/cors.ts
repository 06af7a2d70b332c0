import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** What browsers send to our cross-origin routes, and what they may read back. */
const ALLOWED_HEADERS = ['authorization', 'content-type', 'if-none-match', 'if-match', 'last-event-id', 'x-api-key', 'dpop'].join(', ');
const EXPOSED_HEADERS = ['etag', 'www-authenticate', 'retry-after', 'x-request-id', 'dpop-nonce'].join(', ');
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'].join(', ');
const MAX_AGE_SECONDS = '600';

export interface CorsPolicy {
  /** Whether the request's path (without its query) is one browsers may call cross-origin at all. */
  crossOrigin(path: string): boolean;
  /** Whether this origin registered to call us. */
  allows(origin: string): boolean | Promise<boolean>;
}

/**
 * CORS (the Fetch standard's CORS protocol) for the routes browser apps call
 * from their own origins: an allowed origin gets exactly its own origin back
 * (never `*`), the headers OpenFeature and OIDC browser libraries send, and
 * no credentials; any other origin gets no CORS headers at all and its
 * preflight is not answered (404). Answers on those paths carry
 * `Vary: Origin`, so a cache never hands one origin's answer to another.
 *
 * One `onRequest` hook, where @fastify/cors (what `app.enableCors` registers)
 * was used before: its per-request options (a delegator, needed because the
 * allowed origins follow the client registry) rebuild and merge its option
 * objects and add `Vary` on every request of every route, which measured a
 * quarter of the cost of an OFREP 304 (`npm run bench`, scenario f). Here a
 * request that is not on a cross-origin path, or sends no Origin, costs one
 * string test.
 */
export function answerCrossOrigin(fastify: FastifyInstance, policy: CorsPolicy): void {
  const allow = (request: FastifyRequest, reply: FastifyReply, origin: string): boolean => {
    void reply.header('access-control-allow-origin', origin);
    if (request.raw.method !== 'OPTIONS') {
      void reply.header('access-control-expose-headers', EXPOSED_HEADERS);
      return false;
    }
    // A preflight: answered here, before authentication (a browser sends no credentials with it).
    if (typeof request.headers['access-control-request-method'] !== 'string') {
      void reply.code(400).type('text/plain').send('Invalid Preflight Request');
      return true;
    }
    void reply
      .header('access-control-allow-methods', METHODS)
      .header('access-control-allow-headers', ALLOWED_HEADERS)
      .header('access-control-max-age', MAX_AGE_SECONDS)
      .header('content-length', '0')
      .code(204)
      .send();
    return true;
  };

  fastify.addHook('onRequest', (request, reply, done) => {
    const url = request.raw.url ?? '/';
    const query = url.indexOf('?');
    if (!policy.crossOrigin(query === -1 ? url : url.slice(0, query))) return done();
    void reply.header('vary', 'Origin');
    const origin = request.headers.origin;
    if (typeof origin !== 'string' || origin === 'null') return done();
    const allowed = policy.allows(origin);
    if (typeof allowed === 'boolean') {
      if (!allowed || !allow(request, reply, origin)) done();
      return;
    }
    allowed.then(
      (yes) => {
        if (!yes || !allow(request, reply, origin)) done();
      },
      (error: Error) => done(error),
    );
  });

  // A preflight has no route of its own: this one lets it reach the hook above, which answers
  // it for an allowed origin; any other OPTIONS request is a 404 like every unknown route.
  fastify.options('*', (_request, reply) => {
    reply.callNotFound();
  });
}
