import * as oauth from 'openid-client';
import { FeaturesService } from '../../src/features/features.service.js';
import { ClientsService } from '../../src/oidc/clients.service.js';
import { TenantsService } from '../../src/tenants/tenants.service.js';
import { expectProblem } from '../support/api.js';
import { discoverClient, startTestApp, type TestApp } from '../support/test-app.js';

const APP = 'https://app.acme.test';
const STRANGER = 'https://stranger.test';

describe('CORS follows the client registry', () => {
  let testApp: TestApp;
  let token: string;
  let basic: string;

  const preflight = (path: string, origin: string, method = 'POST') =>
    fetch(`${testApp.url}${path}`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': method,
        'access-control-request-headers': 'authorization,content-type,if-none-match',
      },
    });

  beforeAll(async () => {
    testApp = await startTestApp();
    await testApp.app.get(TenantsService).create({ slug: 'acme' });
    await testApp.app.get(FeaturesService).createFeature({ key: 'beta' });
    const { client, clientSecret } = await testApp.app.get(ClientsService).create({
      name: 'acme web',
      tenantSlug: 'acme',
      grantTypes: ['client_credentials'],
      scopes: ['features:read'],
      webOrigins: [APP],
    });
    token = (await oauth.clientCredentialsGrant(await discoverClient(testApp, client.clientId, clientSecret!), { scope: 'features:read' }))
      .access_token;
    basic = `Basic ${Buffer.from(`${client.clientId}:${clientSecret}`).toString('base64')}`;
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('answers a preflight from a registered origin with that origin, the headers OFREP clients send, and no credentials', async () => {
    for (const path of ['/ofrep/v1/evaluate/flags', '/ofrep/v1/evaluate/flags/beta', '/api/v1/me/features', '/api/v1/me/feature-events']) {
      const response = await preflight(path, APP, path.includes('ofrep') ? 'POST' : 'GET');
      expect({ path, status: response.status }).toEqual({ path, status: 204 });
      expect(response.headers.get('access-control-allow-origin')).toBe(APP);
      expect(response.headers.get('access-control-allow-headers')?.split(/,\s*/)).toEqual(
        expect.arrayContaining(['authorization', 'content-type', 'if-none-match']),
      );
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
      expect(response.headers.get('vary')).toMatch(/Origin/i);
    }
  });

  it('gives an origin nobody registered no CORS headers at all, never *', async () => {
    const response = await preflight('/ofrep/v1/evaluate/flags', STRANGER);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const read = await fetch(`${testApp.url}/api/v1/me/features`, { headers: { origin: STRANGER, authorization: `Bearer ${token}` } });
    expect(read.status).toBe(200);
    expect(read.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('puts the origin on the answers themselves, OFREP and the API alike, with what a script may read', async () => {
    const bulk = await fetch(`${testApp.url}/ofrep/v1/evaluate/flags`, {
      method: 'POST',
      headers: { origin: APP, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ context: {} }),
    });
    expect(bulk.status).toBe(200);
    expect(bulk.headers.get('access-control-allow-origin')).toBe(APP);
    expect(bulk.headers.get('access-control-expose-headers')?.split(/,\s*/)).toEqual(expect.arrayContaining(['etag', 'www-authenticate']));
    const refused = await fetch(`${testApp.url}/api/v1/me/features`, { headers: { origin: APP } });
    expectProblem(
      { status: refused.status, headers: { 'content-type': refused.headers.get('content-type') }, body: await refused.json() } as never,
      401,
      'TOKEN_MISSING',
    );
    expect(refused.headers.get('access-control-allow-origin')).toBe(APP);
  });

  it('marks the cross-origin paths’ answers Vary: Origin, with or without an Origin, and no other route’s', async () => {
    const withoutOrigin = await fetch(`${testApp.url}/api/v1/me/features`, { headers: { authorization: `Bearer ${token}` } });
    expect(withoutOrigin.status).toBe(200);
    expect(withoutOrigin.headers.get('vary')).toBe('Origin');
    const health = await fetch(`${testApp.url}/health/live`, { headers: { origin: APP } });
    expect(health.status).toBe(200);
    expect(health.headers.get('vary')).toBeNull();
    expect(health.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a preflight from a registered origin that names no method with a 400', async () => {
    const response = await fetch(`${testApp.url}/ofrep/v1/evaluate/flags`, { method: 'OPTIONS', headers: { origin: APP } });
    expect(response.status).toBe(400);
  });

  it('keeps the admin API same-origin only', async () => {
    const response = await preflight('/api/v1/tenants', APP, 'GET');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers the token endpoint for the client’s registered origin only', async () => {
    const tokenRequest = (origin: string) =>
      fetch(`${testApp.url}/oidc/token`, {
        method: 'POST',
        headers: { origin, authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&scope=features:read',
      });
    const allowed = await tokenRequest(APP);
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(APP);
    const stranger = await tokenRequest(STRANGER);
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a web origin that is not an origin', async () => {
    await expect(
      testApp.app.get(ClientsService).create({
        name: 'bad',
        tenantSlug: 'acme',
        grantTypes: ['client_credentials'],
        scopes: ['features:read'],
        webOrigins: ['https://app.acme.test/path'],
      }),
    ).rejects.toMatchObject({ code: 'CLIENT_INVALID' });
    await expect(
      testApp.app
        .get(ClientsService)
        .create({ name: 'bad', tenantSlug: 'acme', grantTypes: ['client_credentials'], scopes: ['features:read'], webOrigins: ['*'] }),
    ).rejects.toMatchObject({ code: 'CLIENT_INVALID' });
  });
});
