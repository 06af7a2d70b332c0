import * as querystring from 'node:querystring';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { providerFormBody } from './provider-parameters.middleware.js';

const PATHS = new Set(['/token/introspection', '/token/revocation']);
const TOKEN_PATH_PREFIX = '/token/';
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/** The jti of a user access token we signed (sub is a user, not the client), or undefined. */
export type UserTokenResolver = (token: string) => Promise<string | undefined>;

/**
 * oidc-provider does not introspect or revoke JWT access tokens: it stores
 * none. We record those issued to users by jti, so for introspection and
 * revocation a user JWT in `token` is replaced by its jti before the provider
 * reads the body (refuseUnreadableParameters has read it, bounded and
 * checked, as req.body, which the provider accepts). The provider then finds the record, or reports the token
 * inactive once it is revoked. Client-credentials JWTs are left alone:
 * nothing is recorded for them and resource servers verify them locally.
 * A provider middleware (provider.use), before its own routes and after
 * refuseUnreadableParameters.
 */
export function resolveUserTokens(resolve: UserTokenResolver) {
  return async (ctx: KoaContextWithOIDC, next: () => Promise<unknown>): Promise<void> => {
    // Checked on every provider request: the token endpoint leaves at the prefix test.
    if (
      ctx.method !== 'POST' ||
      !ctx.path.startsWith(TOKEN_PATH_PREFIX) ||
      !PATHS.has(ctx.path) ||
      !ctx.is('application/x-www-form-urlencoded')
    ) {
      await next();
      return;
    }
    const raw = providerFormBody(ctx);
    if (raw === undefined) {
      await next();
      return;
    }
    const params = querystring.parse(raw);
    const token = params.token;
    if (typeof token === 'string' && JWT_SHAPE.test(token)) {
      const jti = await resolve(token);
      if (jti) params.token = jti;
    }
    (ctx.req as typeof ctx.req & { body?: string }).body = querystring.stringify(params);
    await next();
  };
}
