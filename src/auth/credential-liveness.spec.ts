import type { ApiKeyAuthenticator } from './api-key.port.js';
import { CredentialLiveness } from './credential-liveness.js';
import type { ClientRegistry, TokenLiveness } from './issuer.port.js';
import type { Principal } from './principal.js';

const token: Principal = {
  tokenId: 'jti-1',
  clientId: 'client-1',
  subject: 'user-1',
  scopes: new Set(['features:read']),
  tenantId: 't',
  tenantSlug: 'acme',
  expiresAt: 1_800_000_000,
  jkt: null,
};
const keyPrincipal: Principal = { ...token, clientId: 'apikey:k', subject: 'apikey:k', apiKey: { id: 'k', kind: 'secret' } };

function liveness(live: boolean | Promise<boolean>, registered: boolean | Promise<boolean>, keyActive?: boolean): CredentialLiveness {
  const tokens: TokenLiveness = { isLive: () => live };
  const clients: ClientRegistry = { isRegistered: () => registered };
  const keys = keyActive === undefined ? undefined : ({ isActive: () => keyActive } as unknown as ApiKeyAuthenticator);
  return new CredentialLiveness(tokens, clients, keys);
}

describe(CredentialLiveness.name, () => {
  it('holds a token while it is live and its client registered, answering at once from memory', () => {
    expect(liveness(true, true).holds(token)).toBe(true);
    expect(liveness(false, true).holds(token)).toBe(false);
    expect(liveness(true, false).holds(token)).toBe(false);
  });

  it('waits for an issuer that has to look', async () => {
    expect(await liveness(Promise.resolve(true), true).holds(token)).toBe(true);
    expect(await liveness(true, Promise.resolve(false)).holds(token)).toBe(false);
  });

  it('asks the key store about a key, not the issuer, and refuses a key where no module issues keys', () => {
    expect(liveness(false, false, true).holds(keyPrincipal)).toBe(true);
    expect(liveness(true, true, false).holds(keyPrincipal)).toBe(false);
    expect(liveness(true, true).holds(keyPrincipal)).toBe(false);
  });

  it('ends a token at its expiry; a key has none of its own here (its store answers for it)', () => {
    expect(liveness(true, true).expiresAt(token)).toBe(1_800_000_000);
    expect(liveness(true, true, true).expiresAt(keyPrincipal)).toBe(Number.POSITIVE_INFINITY);
  });
});
