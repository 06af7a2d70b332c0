import { CsrfTokens } from './csrf-tokens.js';

describe(CsrfTokens.name, () => {
  const tokens = new CsrfTokens('k'.repeat(40));

  it('accepts the token issued for the interaction', () => {
    expect(tokens.verify('uid-1', tokens.issue('uid-1'))).toBe(true);
  });

  it('refuses a token issued for another interaction, a missing one, and one under another key', () => {
    expect(tokens.verify('uid-2', tokens.issue('uid-1'))).toBe(false);
    expect(tokens.verify('uid-1', undefined)).toBe(false);
    expect(tokens.verify('uid-1', new CsrfTokens('z'.repeat(40)).issue('uid-1'))).toBe(false);
  });
});
