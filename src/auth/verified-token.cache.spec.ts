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

  it('never answers for a header that only ends like a known one', () => {
    const token = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJjIn0.c2lnbmF0dXJlLW9mLXRoZS10b2tlbi10aGF0LXdhcy12ZXJpZmllZA';
    const forged = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbi10aGF0LXdhcy12ZXJpZmllZA';
    const cache = new VerifiedTokenCache();
    cache.set(`Bearer ${token}`, { principal: principal(1_000), presented: { scheme: 'bearer', token } });
    expect(cache.get(`Bearer ${forged}`, 0)).toBeUndefined();
    expect(cache.get(`bearer ${token}`, 0)).toBeUndefined();
    expect(cache.get(`Bearer ${token}`, 0)?.principal).toEqual(principal(1_000));
  });

  it('keeps the latest of two spellings of one token, each only for itself', () => {
    const token = 'x'.repeat(100);
    const cache = new VerifiedTokenCache();
    const asBearer = { principal: principal(1_000), presented: { scheme: 'bearer', token } } as const;
    const asDpop = { principal: { ...principal(1_000), jkt: 'k' }, presented: { scheme: 'dpop', token } } as const;
    cache.set(`Bearer ${token}`, asBearer);
    cache.set(`DPoP ${token}`, asDpop);
    expect(cache.get(`DPoP ${token}`, 0)).toEqual(asDpop);
    expect(cache.get(`Bearer ${token}`, 0)).toBeUndefined();
  });
});
