import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';

type RawHandler = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * Mounts the authorization server (oidc-provider's request handler) at
 * `mountPath` as a hijacked catch-all route in a Fastify scope of its own
 * with no body parser: the provider reads its own bodies and writes its own
 * responses, while the app's hooks (request id and log line, metrics,
 * stopping) run for it as for every route.
 *
 * oidc-provider's documentation mounts it on Fastify through @fastify/middie
 * (`app.use`), which runs on every request of the app and copies request
 * properties and normalises the URL for each one, /oidc or not; a route
 * costs the rest of the app nothing. Every content-type parser is removed in
 * the scope (a catch-all parser leaves the body unread), otherwise Fastify
 * would read the body first or answer 415. The URL is rewritten as a mount
 * does (Express, middie): `url` relative to the mount, `originalUrl` whole,
 * from which the provider derives its mount path.
 */
export function mountAuthorizationServer(fastify: FastifyInstance, mountPath: string, handle: RawHandler): void {
  void fastify.register((scope, _options, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, parsed) => parsed(null));
    const handler = (request: { raw: IncomingMessage }, reply: { raw: ServerResponse; hijack(): void }): void => {
      reply.hijack();
      const raw = request.raw as IncomingMessage & { originalUrl?: string };
      const url = raw.url ?? mountPath;
      raw.originalUrl = url;
      const rest = url.slice(mountPath.length);
      raw.url = rest.startsWith('/') ? rest : `/${rest}`;
      handle(raw, reply.raw);
    };
    scope.all(mountPath, handler);
    scope.all(`${mountPath}/*`, handler);
    done();
  });
}
