import type { KoaContextWithOIDC } from 'oidc-provider';
import { TokenRateLimiter } from './token-rate-limiter.js';

/** A provider middleware (provider.use): token requests beyond a caller's limit get 429 before the provider does any work. */
export function limitTokenRequests(limiter: TokenRateLimiter) {
  return async (ctx: KoaContextWithOIDC, next: () => Promise<unknown>): Promise<void> => {
    if (!limiter.enabled || ctx.method !== 'POST' || ctx.path !== '/token') {
      await next();
      return;
    }
    const wait = await limiter.take(TokenRateLimiter.callerOf(ctx.req));
    if (wait === undefined) {
      await next();
      return;
    }
    ctx.status = 429;
    ctx.set('Retry-After', String(wait));
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { error: 'slow_down', error_description: 'too many token requests; retry later' };
  };
}
