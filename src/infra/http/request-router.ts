import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { RequestLogger } from '../logging/request-logging.js';

export const OIDC_MOUNT_PATH = '/oidc';

/**
 * Puts two handlers behind the one HTTP server: the authorization server
 * (oidc-provider, a Koa app) for /oidc and Nest's Express app for the rest.
 * Express would add only routing overhead in front of Koa, on the hottest
 * path (/oidc/token), and Nest's body parsers must never see the provider's
 * requests. Every request is logged either way.
 */
export function routeRequests(server: Server, logRequest: RequestLogger, oidc: RequestListener): void {
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
      oidc(request, response);
      return;
    }
    expressApp(request, response);
  });
}
