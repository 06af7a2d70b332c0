import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { RequestLogger } from '../logging/request-logging.js';
import { TokenRateLimiter } from './token-rate-limiter.js';

export const OIDC_MOUNT_PATH = '/oidc';

/**
 * Puts two handlers behind the one HTTP server: the authorization server
 * (oidc-provider, a Koa app) for /oidc and Nest's Express app for the rest.
 * Express would add only routing overhead in front of Koa, on the hottest
 * path (/oidc/token), and Nest's body parsers must never see the provider's
 * requests. Every request is logged either way.
 */
function tooManyRequests(response: ServerResponse, retryAfterSeconds: number): void {
  response.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': String(retryAfterSeconds), 'Cache-Control': 'no-store' });
  response.end(JSON.stringify({ error: 'slow_down', error_description: 'too many token requests; retry later' }));
}

/** A read answered beside Express when it can be; false hands the request to Express. */
export interface FastPath {
  matches(request: IncomingMessage): boolean;
  handle(request: IncomingMessage, response: ServerResponse): Promise<boolean>;
}

export function routeRequests(server: Server, logRequest: RequestLogger, oidc: RequestListener, limiter: TokenRateLimiter, fastPath?: FastPath): void {
  const [expressApp] = server.listeners('request') as RequestListener[];
  if (!expressApp) throw new Error('the HTTP server has no request handler to route to');
  server.removeAllListeners('request');
  server.on('request', (request: IncomingMessage & { originalUrl?: string }, response: ServerResponse) => {
    logRequest(request, response);
    const url = request.url ?? '/';
    if (url === OIDC_MOUNT_PATH || url.startsWith(`${OIDC_MOUNT_PATH}/`) || url.startsWith(`${OIDC_MOUNT_PATH}?`)) {
      // As a mount would: the provider reads its mount path from originalUrl.
      request.originalUrl = url;
      request.url = url.slice(OIDC_MOUNT_PATH.length) || '/';
      if (request.url.startsWith('?')) request.url = `/${request.url}`;
      if (limiter.enabled && request.method === 'POST' && request.url === '/token') {
        const wait = limiter.take(TokenRateLimiter.callerOf(request));
        if (wait !== undefined) return tooManyRequests(response, wait);
      }
      oidc(request, response);
      return;
    }
    if (fastPath?.matches(request)) {
      fastPath.handle(request, response).then(
        (answered) => answered || expressApp(request, response),
        () => expressApp(request, response),
      );
      return;
    }
    expressApp(request, response);
  });
}
