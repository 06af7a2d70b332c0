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

describe(VerifiedTokenCache.name, () => {
  it('serves a verified token until the token expires', () => {
    const cache = new VerifiedTokenCache();
    cache.set('token', principal(1_000));
    expect(cache.get('token', 999)).toEqual(principal(1_000));
    expect(cache.get('token', 1_000)).toBeUndefined();
    expect(cache.get('token', 999)).toBeUndefined();
  });

  it('knows nothing of a token it was not given', () => {
    expect(new VerifiedTokenCache().get('other', 0)).toBeUndefined();
  });
});
