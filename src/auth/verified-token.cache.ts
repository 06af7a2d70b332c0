import { Injectable } from '@nestjs/common';
import { LruCache } from '../infra/cache/lru-cache.js';
import type { Principal } from './principal.js';

const CAPACITY = 10_000;
const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i;

export function bearerToken(authorization: string | undefined): string | undefined {
  return BEARER.exec(authorization ?? '')?.[1];
}

/**
 * Principals of tokens already verified, until the token's own expiry. A
 * client reuses its token for many calls, and the signature check is the
 * largest cost of an API request. Only successful verifications are stored,
 * and a verification is a pure function of the token and the issuer's keys,
 * so nothing can make an entry stale but its expiry (revocation is checked on
 * every request, after this).
 */
@Injectable()
export class VerifiedTokenCache {
  private readonly entries = new LruCache<string, Principal>(CAPACITY);

  get(token: string, nowSeconds = Date.now() / 1000): Principal | undefined {
    const principal = this.entries.get(token);
    if (principal && principal.expiresAt <= nowSeconds) {
      this.entries.delete(token);
      return undefined;
    }
    return principal;
  }

  set(token: string, principal: Principal): void {
    this.entries.set(token, principal);
  }
}
