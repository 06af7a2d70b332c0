import { EventEmitter } from 'node:events';
import type { Provider } from 'oidc-provider';
import { Registry } from 'prom-client';
import { AuthorizationServerMetrics } from './authorization-server.metrics.js';

function tokenRequest(grantType?: string, route = 'token') {
  return { oidc: { route, params: grantType === undefined ? {} : { grant_type: grantType } } };
}

describe(AuthorizationServerMetrics.name, () => {
  let registry: Registry;
  let provider: EventEmitter;

  beforeEach(() => {
    registry = new Registry();
    provider = new EventEmitter();
    // Only the events matter here: the provider is an EventEmitter (Koa application).
    new AuthorizationServerMetrics(registry).observe(provider as unknown as Provider);
  });

  it('counts issued tokens by grant type, and refusals by their OAuth error code', async () => {
    provider.emit('grant.success', tokenRequest('client_credentials'));
    provider.emit('grant.error', tokenRequest('refresh_token'), { error: 'invalid_grant' });
    const text = await registry.metrics();
    expect(text).toContain('tenantry_token_requests_total{grant_type="client_credentials",outcome="success"} 1');
    expect(text).toContain('tenantry_token_requests_total{grant_type="refresh_token",outcome="invalid_grant"} 1');
    expect(text).toContain('tenantry_token_requests_total{grant_type="authorization_code",outcome="success"} 0');
  });

  it('labels a grant type or error code the caller made up as other, so requests cannot mint series', async () => {
    provider.emit('grant.error', tokenRequest('urn:made-up:grant'), { error: 'unsupported_grant_type' });
    provider.emit('grant.error', tokenRequest(), { error: 'Not An OAuth Code' });
    const text = await registry.metrics();
    expect(text).toContain('tenantry_token_requests_total{grant_type="other",outcome="unsupported_grant_type"} 1');
    expect(text).toContain('tenantry_token_requests_total{grant_type="other",outcome="other"} 1');
    expect(text).not.toContain('made-up');
  });

  it('counts a server error on the token route, and only there', async () => {
    provider.emit('server_error', tokenRequest('client_credentials'), new Error('boom'));
    provider.emit('server_error', tokenRequest(undefined, 'userinfo'), new Error('boom'));
    const text = await registry.metrics();
    expect(text).toContain('tenantry_token_requests_total{grant_type="client_credentials",outcome="server_error"} 1');
    expect(text).not.toContain('grant_type="other",outcome="server_error"');
  });
});
