import type { IncomingMessage } from 'node:http';
import * as querystring from 'node:querystring';

const PATHS = new Set(['/token/introspection', '/token/revocation']);
const TOKEN_PATH_PREFIX = '/token/';
const LIMIT = 56 * 1024;
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/** The jti of a user access token we signed (sub is a user, not the client), or undefined. */
export type UserTokenResolver = (token: string) => Promise<string | undefined>;

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of request) {
    received += (chunk as Buffer).length;
    if (received > LIMIT) throw new Error('request entity too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * oidc-provider does not introspect or revoke JWT access tokens: it stores
 * none. We record those issued to users by jti, so for introspection and
 * revocation a user JWT in `token` is replaced by its jti before the provider
 * reads the body (it accepts an already-read body as req.body). The provider
 * then finds the record, or reports the token inactive once it is revoked.
 * Client-credentials JWTs are left alone: nothing is recorded for them and
 * resource servers verify them locally against the JWKS.
 */
export function carriesTokenParameter(request: IncomingMessage): boolean {
  const url = request.url ?? '';
  // Checked on every provider request: the token endpoint leaves at the prefix test.
  return (
    request.method === 'POST' &&
    url.startsWith(TOKEN_PATH_PREFIX) &&
    PATHS.has(url.split('?')[0]!) &&
    String(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
  );
}

export async function mapUserTokensToRecords(request: IncomingMessage & { body?: unknown }, resolve: UserTokenResolver): Promise<void> {
  const raw = await readBody(request);
  const params = querystring.parse(raw);
  const token = params.token;
  if (typeof token === 'string' && JWT_SHAPE.test(token)) {
    const jti = await resolve(token);
    if (jti) params.token = jti;
  }
  request.body = querystring.stringify(params);
}
