import * as querystring from 'node:querystring';
import type { KoaContextWithOIDC } from 'oidc-provider';

const PATHS = new Set(['/token/introspection', '/token/revocation']);
const TOKEN_PATH_PREFIX = '/token/';
// oidc-provider's own body limit.
const LIMIT = 56 * 1024;
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/** The jti of a user access token we signed (sub is a user, not the client), or undefined. */
export type UserTokenResolver = (token: string) => Promise<string | undefined>;

class BodyTooLarge extends Error {}

async function readBody(request: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of request) {
    received += (chunk as Buffer).length;
    if (received > LIMIT) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * oidc-provider does not introspect or revoke JWT access tokens: it stores
 * none. We record those issued to users by jti, so for introspection and
 * revocation a user JWT in `token` is replaced by its jti before the provider
 * reads the body (it accepts an already-read body as req.body, and says so
 * once in the log). The provider then finds the record, or reports the token
 * inactive once it is revoked. Client-credentials JWTs are left alone:
 * nothing is recorded for them and resource servers verify them locally.
 * A provider middleware (provider.use), before its own routes.
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
    let raw: string;
    try {
      raw = await readBody(ctx.req);
    } catch (error) {
      ctx.status = 400;
      ctx.set('Cache-Control', 'no-store');
      // What is left of an over-long body is never read: the connection cannot carry another request.
      if (error instanceof BodyTooLarge) ctx.set('Connection', 'close');
      ctx.body = { error: 'invalid_request', error_description: 'failed to parse the request body' };
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
