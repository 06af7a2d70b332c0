import { generateClientSecret, hashClientSecret, verifyClientSecret } from './client-secret.js';

describe('client secrets', () => {
  it('generates distinct, prefixed, high-entropy secrets', () => {
    const first = generateClientSecret();
    expect(first).toMatch(/^tsec_[A-Za-z0-9_-]{43}$/);
    expect(generateClientSecret()).not.toBe(first);
  });

  it('stores a hash that does not contain the secret', () => {
    const secret = generateClientSecret();
    const hash = hashClientSecret(secret);
    expect(hash).toMatch(/^sha256\$/);
    expect(hash).not.toContain(secret.slice(5));
  });

  it('verifies the right secret and refuses a wrong one', () => {
    const secret = generateClientSecret();
    const hash = hashClientSecret(secret);
    expect(verifyClientSecret(secret, hash)).toBe(true);
    expect(verifyClientSecret(secret + 'x', hash)).toBe(false);
    expect(verifyClientSecret('', hash)).toBe(false);
  });

  it('refuses a stored value of an unknown scheme', () => {
    expect(verifyClientSecret('anything', 'plain$anything')).toBe(false);
  });
});
