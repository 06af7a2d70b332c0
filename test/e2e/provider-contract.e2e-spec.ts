import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { decodeJwt } from 'jose';
import { ClientsService } from '../../src/oidc/clients.service.js';
import { OidcService } from '../../src/oidc/oidc.service.js';
import { clientWithToken } from '../support/api.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * oidc-provider has no hook for two things Tenantry needs, so two of its
 * methods are wrapped on the provider's own classes (src/oidc/provider.factory.ts).
 * These tests pin what that relies on, so an upgrade that moves it fails here
 * rather than in production.
 */
const providerLib = join(dirname(createRequire(import.meta.url).resolve('oidc-provider/package.json')), 'lib');

describe('oidc-provider: the behaviour Tenantry relies on where it has no hook', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp();
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('authenticates clients through Client#compareClientSecret, which Tenantry replaces with a hash check', async () => {
    const clientAuth = readFileSync(join(providerLib, 'shared', 'client_auth.js'), 'utf8');
    expect(clientAuth).toContain('ctx.oidc.client.compareClientSecret(clientSecret)');
    const provider = testApp.app.get(OidcService).provider;
    expect(provider.Client.prototype.compareClientSecret.name).toBe('compareClientSecret');
    // Stored only as a hash, the secret still authenticates: the replacement is the one in use.
    const { token } = await clientWithToken(testApp, testApp.app.get(ClientsService));
    expect(decodeJwt(token).client_id).toEqual(expect.any(String));
  });

  it('saves access tokens through AccessToken#save with the payload fields IN_PAYLOAD lists, which Tenantry records for user JWTs', () => {
    const provider = testApp.app.get(OidcService).provider;
    const accessToken = provider.AccessToken as unknown as { prototype: { save: () => unknown }; IN_PAYLOAD: string[] };
    expect(accessToken.prototype.save.name).toBe('saveAndRecord');
    expect(accessToken.IN_PAYLOAD).toEqual(expect.arrayContaining(['accountId', 'clientId', 'grantId', 'scope', 'jti']));
  });
});
