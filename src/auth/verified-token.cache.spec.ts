import type { Principal } from './principal.js';
import { VerifiedTokenCache } from './verified-token.cache.js';

const principal = (expiresAt: number): Principal => ({
  tokenId: 'j',
  clientId: 'c',
  subject: 'c',
  scopes: new Set(['features:read']),
  jkt: null,
  tenantId: null,
  tenantSlug: null,
  expiresAt,
});

const bearer = { scheme: 'bearer', token: 'token' } as const;

describe(VerifiedTokenCache.name, () => {
  it('serves a verified token until the token expires', () => {
    const cache = new VerifiedTokenCache();
    cache.set('Bearer token', { principal: principal(1_000), presented: bearer });
    expect(cache.get('Bearer token', 999)).toEqual({ principal: principal(1_000), presented: bearer });
    expect(cache.get('Bearer token', 1_000)).toBeUndefined();
    expect(cache.get('Bearer token', 999)).toBeUndefined();
  });

  it('knows a token only as it was presented, and nothing of a token it was not given', () => {
    const cache = new VerifiedTokenCache();
    cache.set('Bearer token', { principal: principal(1_000), presented: bearer });
    expect(cache.get('DPoP token', 0)).toBeUndefined();
    expect(cache.get('token', 0)).toBeUndefined();
    expect(new VerifiedTokenCache().get('Bearer other', 0)).toBeUndefined();
  });
});
