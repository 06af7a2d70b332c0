import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { decodeProtectedHeader } from 'jose';
import { Strategy, type SecretOrKeyProvider } from 'passport-jwt';
import { ServerConfig } from '../config/app-config.js';
import { ACCESS_TOKEN_ALGORITHM, VerificationKeys } from './issuer.port.js';
import { presentedToken } from './verified-token.cache.js';
import type { Principal } from './principal.js';

export const ACCESS_TOKEN_STRATEGY = 'access-token';

// RFC 9068 §4: the resource server MUST check that typ is "at+jwt" (or
// "application/at+jwt"), so an ID token or any other JWT we signed is not
// accepted as an access token.
const ACCESS_TOKEN_TYPES = new Set(['at+jwt', 'application/at+jwt']);

export interface AccessTokenClaims {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  jti: string;
  client_id: string;
  scope?: string;
  tenant_id?: string;
  tenant?: string;
  cnf?: { jkt?: unknown };
  email?: unknown;
}

/** The access token of `Authorization: Bearer <token>` or `Authorization: DPoP <token>`. */
function accessTokenOf(request: FastifyRequest): string | null {
  return presentedToken(request.headers.authorization)?.token ?? null;
}

export class AccessTokenRejected extends Error {
  override name = 'AccessTokenRejected';
}

/**
 * Verifies bearer JWTs against the provider's own published keys: signature
 * (ES256 only, so `none` and algorithm swaps fail), typ, iss, aud and exp.
 */
@Injectable()
export class AccessTokenStrategy extends PassportStrategy(Strategy, ACCESS_TOKEN_STRATEGY) {
  constructor(server: ServerConfig, keys: VerificationKeys) {
    const keyProvider: SecretOrKeyProvider<FastifyRequest> = (_request, rawJwtToken, done) => {
      let header: ReturnType<typeof decodeProtectedHeader>;
      try {
        header = decodeProtectedHeader(String(rawJwtToken));
      } catch {
        return done(new AccessTokenRejected('jwt malformed'));
      }
      if (!ACCESS_TOKEN_TYPES.has(String(header.typ))) return done(new AccessTokenRejected('not an access token (typ must be at+jwt)'));
      if (header.alg !== ACCESS_TOKEN_ALGORITHM) return done(new AccessTokenRejected('unsupported signing algorithm'));
      if (typeof header.kid !== 'string') return done(new AccessTokenRejected('no key id'));
      keys.forKid(header.kid).then(
        (key) => (key ? done(null, key as never) : done(new AccessTokenRejected('signed by an unknown key'))),
        (error: Error) => done(error),
      );
    };
    super({
      jwtFromRequest: accessTokenOf as never,
      secretOrKeyProvider: keyProvider,
      issuer: server.issuer,
      audience: server.apiAudience,
      algorithms: [ACCESS_TOKEN_ALGORITHM],
      jsonWebTokenOptions: { clockTolerance: 5 },
    });
  }

  validate(claims: AccessTokenClaims): Principal {
    if (typeof claims.jti !== 'string' || typeof claims.client_id !== 'string' || typeof claims.sub !== 'string') {
      throw new AccessTokenRejected('missing required claims');
    }
    return {
      tokenId: claims.jti,
      clientId: claims.client_id,
      subject: claims.sub,
      scopes: new Set(typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : []),
      tenantId: typeof claims.tenant_id === 'string' ? claims.tenant_id : null,
      tenantSlug: typeof claims.tenant === 'string' ? claims.tenant : null,
      expiresAt: claims.exp,
      jkt: typeof claims.cnf?.jkt === 'string' ? claims.cnf.jkt : null,
      email: typeof claims.email === 'string' ? claims.email : null,
    };
  }
}
