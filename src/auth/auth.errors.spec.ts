import { AuthError } from './auth.errors.js';

describe(AuthError.name, () => {
  it('puts a bad DPoP proof on the DPoP challenge (RFC 9449 §7.1)', () => {
    expect(new AuthError('DPOP_PROOF_INVALID', 'replayed').responseHeaders()['WWW-Authenticate']).toBe(
      'Bearer realm="tenantry", DPoP realm="tenantry", algs="ES256 EdDSA Ed25519", error="invalid_dpop_proof", error_description="replayed"',
    );
  });

  it('challenges a missing token without an error code (RFC 6750 §3.1)', () => {
    expect(new AuthError('TOKEN_MISSING').responseHeaders()).toEqual({
      'WWW-Authenticate': 'Bearer realm="tenantry", DPoP realm="tenantry", algs="ES256 EdDSA Ed25519"',
    });
  });

  it('names invalid_token with a description that cannot break out of its quotes', () => {
    const header = new AuthError('TOKEN_INVALID', 'bad "token" \\ here').responseHeaders()['WWW-Authenticate'];
    expect(header).toBe(
      'Bearer realm="tenantry", error="invalid_token", error_description="bad token  here", DPoP realm="tenantry", algs="ES256 EdDSA Ed25519"',
    );
  });

  it('names insufficient_scope with the scopes required', () => {
    const error = new AuthError('INSUFFICIENT_SCOPE', 'lacks', { requiredScopes: ['features:write'] });
    expect(error.responseHeaders()['WWW-Authenticate']).toBe('Bearer realm="tenantry", error="insufficient_scope", scope="features:write"');
    expect(error.definition.status).toBe(403);
  });
});
