import type { KoaContextWithOIDC } from 'oidc-provider';
import { checkDpopProof, DPOP_PROOF_WINDOW_SECONDS, DpopProofRejected } from '../auth/dpop-proof.js';
import { presentedToken } from '../auth/verified-token.cache.js';
import { allowsWebOrigin } from './client-tenant.js';

/** The claims of a user access token for the API that this issuer signed (verified, unexpired). */
export interface ApiAccessToken {
  jti: string;
  sub: string;
  clientId: string;
  scopes: Set<string>;
  jkt: string | null;
}

export interface ApiTokenUserinfoDependencies {
  userinfoUrl: string;
  /** The token's claims when it is one of our user JWTs for the API; undefined otherwise. */
  verify(token: string): Promise<ApiAccessToken | undefined>;
  /** The OpenID scopes the token's grant holds; undefined when the token's record is gone (revoked) or its grant is. */
  grantedScopes(token: ApiAccessToken): Promise<ReadonlySet<string> | undefined>;
  findClient(clientId: string): Promise<unknown>;
  /** The user's claims, as the provider's findAccount gives them, for this client. */
  claimsOf(client: unknown, sub: string): Promise<Record<string, unknown> | undefined>;
  /** Remembers a DPoP proof; false when it was used before. */
  rememberProof(jkt: string, jti: string, expiresAt: Date): Promise<boolean>;
  /** Which claims each scope releases (the provider's `claims` configuration). */
  scopeClaims: Record<string, readonly string[]>;
}

const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

class UserinfoRefused extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly scheme: 'Bearer' | 'DPoP',
    description: string,
  ) {
    super(description);
  }
}

/**
 * OpenID Connect Core §5.3 for the access token the code exchange returns.
 * oidc-provider's userinfo refuses any token with an audience and cannot find
 * a JWT access token (it stores none), so the token an ordinary RP gets, our
 * API's JWT, would be refused there, and oidc-provider has no hook to accept
 * it. A provider middleware (provider.use) answers userinfo for exactly those
 * tokens, under the provider's own rules: a user token still recorded (not
 * revoked), whose grant holds openid, claims narrowed to the OpenID scopes
 * of that grant,
 * DPoP-bound ones only with their proof, Cache-Control no-store, CORS for the
 * client's web origins. Every other token goes on to the provider.
 */
export function serveUserinfoForApiTokens(deps: ApiTokenUserinfoDependencies) {
  return async (ctx: KoaContextWithOIDC, next: () => Promise<unknown>): Promise<void> => {
    if (ctx.path !== '/me' || (ctx.method !== 'GET' && ctx.method !== 'POST')) return void (await next());
    const presented = presentedToken(ctx.get('authorization'));
    if (!presented || !JWT_SHAPE.test(presented.token)) return void (await next());
    const token = await deps.verify(presented.token);
    if (!token) return void (await next());
    const client = await deps.findClient(token.clientId);
    const origin = ctx.get('origin');
    if (origin && client && allowsWebOrigin(client, origin)) {
      ctx.set('Access-Control-Allow-Origin', origin);
      ctx.set('Access-Control-Expose-Headers', 'WWW-Authenticate, DPoP-Nonce');
      ctx.vary('Origin');
    }
    ctx.set('Cache-Control', 'no-store');
    try {
      await checkBinding(deps, ctx, presented, token);
      const granted = await deps.grantedScopes(token);
      if (!granted)
        throw new UserinfoRefused(401, 'invalid_token', presented.scheme === 'dpop' ? 'DPoP' : 'Bearer', 'the access token was revoked');
      if (!granted.has('openid'))
        throw new UserinfoRefused(403, 'insufficient_scope', 'Bearer', 'the grant of this token holds no openid scope');
      const claims = client ? await deps.claimsOf(client, token.sub) : undefined;
      if (!claims) throw new UserinfoRefused(401, 'invalid_token', 'Bearer', 'the user of this token is not available');
      // The claims of the OpenID scopes the token carries, as far as its grant still holds them.
      const scopes = [...token.scopes].filter((scope) => granted.has(scope));
      if (!scopes.includes('openid')) throw new UserinfoRefused(403, 'insufficient_scope', 'Bearer', 'access token missing openid scope');
      const released = new Set(['sub', ...scopes.flatMap((scope) => deps.scopeClaims[scope] ?? [])]);
      ctx.status = 200;
      ctx.body = {
        ...Object.fromEntries(Object.entries(claims).filter(([name, value]) => released.has(name) && value !== undefined)),
        sub: token.sub,
      };
    } catch (error) {
      if (!(error instanceof UserinfoRefused)) throw error;
      ctx.status = error.status;
      ctx.set(
        'WWW-Authenticate',
        `${error.scheme} realm="${new URL(deps.userinfoUrl).origin}", error="${error.error}", error_description="${error.message}"`,
      );
      ctx.body = { error: error.error, error_description: error.message };
    }
  };
}

async function checkBinding(
  deps: ApiTokenUserinfoDependencies,
  ctx: KoaContextWithOIDC,
  presented: { scheme: 'bearer' | 'dpop'; token: string },
  token: ApiAccessToken,
): Promise<void> {
  if (token.jkt === null) {
    if (presented.scheme === 'dpop') throw new UserinfoRefused(401, 'invalid_token', 'Bearer', 'this token is not bound to a DPoP key');
    return;
  }
  if (presented.scheme !== 'dpop')
    throw new UserinfoRefused(401, 'invalid_token', 'Bearer', 'this token is bound to a DPoP key: send it with the DPoP scheme');
  const header = ctx.get('dpop');
  if (!header || header.includes(',')) throw new UserinfoRefused(401, 'invalid_dpop_proof', 'DPoP', 'send one DPoP proof');
  try {
    const proof = await checkDpopProof({ proof: header, method: ctx.method, url: deps.userinfoUrl, accessToken: presented.token });
    if (proof.jkt !== token.jkt) throw new DpopProofRejected('the DPoP proof is signed by another key than the token is bound to');
    if (!(await deps.rememberProof(proof.jkt, proof.jti, new Date((proof.iat + DPOP_PROOF_WINDOW_SECONDS) * 1000)))) {
      throw new DpopProofRejected('this DPoP proof was used before');
    }
  } catch (error) {
    if (error instanceof DpopProofRejected) throw new UserinfoRefused(401, 'invalid_dpop_proof', 'DPoP', error.message);
    throw error;
  }
}
