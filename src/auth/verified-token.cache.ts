import { Injectable } from '@nestjs/common';
import { LruCache } from '../infra/cache/lru-cache.js';
import type { Principal } from './principal.js';

const CAPACITY = 10_000;
const CREDENTIALS = /^(Bearer|DPoP) ([A-Za-z0-9._~+/-]+=*)$/i;

export interface PresentedToken {
  /** RFC 6750 Bearer, or RFC 9449 DPoP (the token must then be bound to the proof's key). */
  scheme: 'bearer' | 'dpop';
  token: string;
}

export function presentedToken(authorization: string | undefined): PresentedToken | undefined {
  const match = CREDENTIALS.exec(authorization ?? '');
  if (!match) return undefined;
  return { scheme: match[1]!.toLowerCase() === 'dpop' ? 'dpop' : 'bearer', token: match[2]! };
}

/** A verified token: who it acts for, and how it was presented. */
export interface VerifiedCredentials {
  principal: Principal;
  presented: PresentedToken;
}

/**
 * Principals of tokens already verified, until the token's own expiry. A
 * client reuses its token for many calls, and the signature check is the
 * largest cost of an API request. Only successful verifications are stored,
 * and a verification is a pure function of the token and the issuer's keys,
 * so nothing can make an entry stale but its expiry (revocation and, for a
 * DPoP-bound token, the proof are checked on every request, after this).
 *
 * Entries are keyed by the Authorization header exactly as it came (scheme
 * and token), so a request that presents a known token the same way is
 * answered without parsing the header; any other spelling is parsed and
 * verified, then known under that spelling too.
 */
@Injectable()
export class VerifiedTokenCache {
  private readonly entries = new LruCache<string, VerifiedCredentials>(CAPACITY);

  get(authorization: string, nowSeconds = Date.now() / 1000): VerifiedCredentials | undefined {
    const verified = this.entries.get(authorization);
    if (verified && verified.principal.expiresAt <= nowSeconds) {
      this.entries.delete(authorization);
      return undefined;
    }
    return verified;
  }

  set(authorization: string, verified: VerifiedCredentials): void {
    this.entries.set(authorization, verified);
  }
}
