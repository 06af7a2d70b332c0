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
 * An entry is the Authorization header exactly as it came (scheme and
 * token), so a request that presents a known token the same way is answered
 * without parsing the header; any other spelling is parsed and verified, then
 * known under that spelling instead.
 *
 * The map is keyed by the header's last characters (the end of a JWS
 * signature, or of an opaque token: random either way) and an entry counts
 * only when its whole header is equal to the one presented. Hashing the
 * whole header (about 1 KB, a new string on every request) cost more than
 * the rest of the lookup: ~1.2 µs against ~0.2 µs here, on every
 * authenticated request. Two headers that end alike (the same token under
 * two spellings) take turns in one entry; neither is ever taken for the
 * other.
 */
@Injectable()
export class VerifiedTokenCache {
  private readonly entries = new LruCache<string, { authorization: string; verified: VerifiedCredentials }>(CAPACITY);

  get(authorization: string, nowSeconds = Date.now() / 1000): VerifiedCredentials | undefined {
    const key = keyOf(authorization);
    const entry = this.entries.get(key);
    if (entry === undefined || entry.authorization !== authorization) return undefined;
    if (entry.verified.principal.expiresAt <= nowSeconds) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.verified;
  }

  set(authorization: string, verified: VerifiedCredentials): void {
    this.entries.set(keyOf(authorization), { authorization, verified });
  }
}

const KEY_LENGTH = 32;

function keyOf(authorization: string): string {
  return authorization.length > KEY_LENGTH ? authorization.slice(-KEY_LENGTH) : authorization;
}
