import { decodeJwt } from 'jose';
import * as oauth from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { FeaturesService } from '../../src/features/features.service.js';
import { DatabaseService } from '../../src/infra/database/database.service.js';
import { ClientsService } from '../../src/oidc/clients.service.js';
import { TenantDataService } from '../../src/tenants/tenant-data.service.js';
import type { TenantPlacement } from '../../src/tenants/tenant.js';
import { api, clientWithToken, expectProblem, SETUP_ACTOR } from '../support/api.js';
import { CallbackServer, launchBrowser, submitLogin } from '../support/browser.js';
import { authorizationRequest, PASSWORD, tenantWithUserAndClient, type TenantFixture } from '../support/oidc-fixture.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Tenant A's tokens against tenant B, on every placement pairing: every API
 * path and OAuth endpoint is tried, and nothing of B comes back or changes.
 */
describe.each<[TenantPlacement, TenantPlacement]>([
  ['isolated', 'isolated'],
  ['pooled', 'pooled'],
  ['pooled', 'isolated'],
])('tenant A (%s) against tenant B (%s)', (placementA, placementB) => {
  let testApp: TestApp;
  let browser: Browser;
  let page: Page;
  let app: CallbackServer;
  let a: TenantFixture;
  let b: TenantFixture;
  let adminToken: string;
  let serviceTokenA: string;
  let userTokensA: oauth.TokenEndpointResponse;
  let userTokensB: oauth.TokenEndpointResponse;
  /** Everything that would betray B in a response body. */
  let secretsOfB: string[];

  async function signIn(fixture: TenantFixture, email: string): Promise<oauth.TokenEndpointResponse> {
    const request = await authorizationRequest(fixture.config, app.callback);
    const callback = await app.next(async () => {
      await page.goto(request.url.href);
      await submitLogin(page, email, PASSWORD);
      await page.getByRole('button', { name: 'Allow' }).click();
    });
    return oauth.authorizationCodeGrant(fixture.config, callback, {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    });
  }

  /** `instance` only echoes the path the caller sent; anything else naming B is a leak. */
  function expectNothingOfB(body: unknown): void {
    const rest: Record<string, unknown> = { ...(body as Record<string, unknown>) };
    delete rest.instance;
    const text = JSON.stringify(rest);
    for (const secret of secretsOfB) expect(text).not.toContain(secret);
  }

  beforeAll(async () => {
    testApp = await startTestApp();
    app = await CallbackServer.start();
    browser = await launchBrowser();
    page = await browser.newPage();
    const features = testApp.app.get(FeaturesService);
    await features.createFeature({ key: 'alpha', defaultEnabled: false });
    await features.createFeature({ key: 'beta', defaultEnabled: false });
    a = await tenantWithUserAndClient(testApp, 'tenant-a', 'alice@a.test', app, placementA);
    b = await tenantWithUserAndClient(testApp, 'tenant-b', 'bob@b.test', app, placementB);
    await features.setTenantFeature(a.tenant, 'alpha', true, SETUP_ACTOR);
    await features.setTenantFeature(b.tenant, 'beta', true, SETUP_ACTOR);
    const clients = testApp.app.get(ClientsService);
    adminToken = (await clientWithToken(testApp, clients)).token;
    serviceTokenA = (await clientWithToken(testApp, clients, { tenantSlug: 'tenant-a', scopes: ['features:read features:write'] })).token;
    userTokensA = await signIn(a, 'alice@a.test');
    await page.context().clearCookies();
    userTokensB = await signIn(b, 'bob@b.test');
    await page.context().clearCookies();
    secretsOfB = [b.tenant.id, b.user.id, 'bob@b.test', b.clientId];
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await testApp.close();
  });

  it('puts each tenant where it was asked to', () => {
    expect([a.tenant.placement, b.tenant.placement]).toEqual([placementA, placementB]);
    expect(decodeJwt(userTokensA.access_token)).toMatchObject({ tenant: 'tenant-a', tenant_id: a.tenant.id });
  });

  it.each(['service', 'user'])('reads only its own flags with a %s token of A', async (kind) => {
    const token = kind === 'service' ? serviceTokenA : userTokensA.access_token;
    const own = await api(testApp, token).get('/api/v1/me/features').expect(200);
    expect(own.body.tenant).toBe('tenant-a');
    expect(own.body.items).toEqual([
      expect.objectContaining({ key: 'alpha', enabled: true }),
      expect.objectContaining({ key: 'beta', enabled: false }),
    ]);
    const same = await api(testApp, token).get('/api/v1/tenants/tenant-a/features').expect(200);
    expect(same.body.items).toEqual(own.body.items);
  });

  it.each(['service', 'user'])('gets 404 for every read of B with a %s token of A, and no B data', async (kind) => {
    const token = kind === 'service' ? serviceTokenA : userTokensA.access_token;
    for (const path of ['/api/v1/tenants/tenant-b/features', '/api/v1/tenants/tenant-b/features/beta']) {
      const response = await api(testApp, token).get(path);
      expectProblem(response, 404, 'TENANT_NOT_FOUND');
      expectNothingOfB(response.body);
    }
  });

  it.each(['service', 'user'])('evaluates only A’s flags over OFREP with a %s token of A, whatever the context names', async (kind) => {
    const token = kind === 'service' ? serviceTokenA : userTokensA.access_token;
    const context = { targetingKey: 'bob@b.test', tenant: 'tenant-b', tenantId: b.tenant.id, tenant_id: b.tenant.id };
    const bulk = await api(testApp, token).post('/ofrep/v1/evaluate/flags', { context }).expect(200);
    expect(bulk.body.metadata).toEqual({ tenant: 'tenant-a' });
    expect(bulk.body.flags).toEqual([
      expect.objectContaining({ key: 'alpha', value: true }),
      expect.objectContaining({ key: 'beta', value: false }),
    ]);
    const single = await api(testApp, token).post('/ofrep/v1/evaluate/flags/beta', { context }).expect(200);
    expect(single.body).toMatchObject({ key: 'beta', value: false });
    expectNothingOfB(bulk.body);
  });

  it('cannot change B’s flags, and B’s flags stay as they were', async () => {
    // A's service token may write flags, but B is not a tenant it can see; A's user token may not write at all.
    const byService = await api(testApp, serviceTokenA).put('/api/v1/tenants/tenant-b/features/beta', { enabled: false });
    expectProblem(byService, 404, 'TENANT_NOT_FOUND');
    expectNothingOfB(byService.body);
    const byUser = await api(testApp, userTokensA.access_token).put('/api/v1/tenants/tenant-b/features/beta', { enabled: false });
    expectProblem(byUser, 403, 'INSUFFICIENT_SCOPE');
    expectNothingOfB(byUser.body);
    const ofB = await api(testApp, userTokensB.access_token).get('/api/v1/me/features').expect(200);
    expect(ofB.body.items).toEqual([
      expect.objectContaining({ key: 'alpha', enabled: false }),
      expect.objectContaining({ key: 'beta', enabled: true }),
    ]);
  });

  it('cannot list, read, create or delete B’s users', async () => {
    for (const token of [serviceTokenA, userTokensA.access_token]) {
      const calls = [
        api(testApp, token).get('/api/v1/tenants/tenant-b/users'),
        api(testApp, token).post('/api/v1/tenants/tenant-b/users', { email: 'mallory@b.test', password: PASSWORD }),
        api(testApp, token).delete(`/api/v1/tenants/tenant-b/users/${b.user.id}`),
      ];
      // These tokens hold no users:* scope: refused before a tenant is looked up.
      for (const response of await Promise.all(calls)) {
        expectProblem(response, 403, 'INSUFFICIENT_SCOPE');
        expectNothingOfB(response.body);
      }
    }
    // A token of A that may manage users (a tenant admin's, in the console) manages A's only: B does not exist for it.
    const scopes = 'users:read users:write';
    const manager = (
      await clientWithToken(testApp, testApp.app.get(ClientsService), { tenantSlug: a.tenant.slug, scopes: [scopes] }, scopes)
    ).token;
    const managerCalls = [
      api(testApp, manager).get('/api/v1/tenants/tenant-b/users'),
      api(testApp, manager).post('/api/v1/tenants/tenant-b/users', { email: 'mallory@b.test', password: PASSWORD }),
      api(testApp, manager).patch(`/api/v1/tenants/tenant-b/users/${b.user.id}`, { role: 'admin' }),
      api(testApp, manager).delete(`/api/v1/tenants/tenant-b/users/${b.user.id}`),
      api(testApp, manager).patch(`/api/v1/tenants/${a.tenant.slug}/users/${b.user.id}`, { disabled: true }),
    ];
    for (const response of await Promise.all(managerCalls)) {
      expect(response.status).toBe(404);
      expectNothingOfB(response.body);
    }
    const users = await api(testApp, adminToken).get('/api/v1/tenants/tenant-b/users').expect(200);
    expect(users.body.items.map((user: { email: string }) => user.email)).toEqual(['bob@b.test']);
  });

  it('cannot reach the platform’s tenant, client or catalogue administration', async () => {
    const token = serviceTokenA;
    const calls = [
      api(testApp, token).get('/api/v1/tenants'),
      api(testApp, token).get('/api/v1/tenants/tenant-b'),
      api(testApp, token).post('/api/v1/tenants/tenant-b/suspend'),
      api(testApp, token).post('/api/v1/tenants/tenant-b/move', { placement: 'isolated' }),
      api(testApp, token).delete('/api/v1/tenants/tenant-b'),
      api(testApp, token).get('/api/v1/clients'),
      api(testApp, token).post('/api/v1/features', { key: 'sneaky' }),
    ];
    for (const response of await Promise.all(calls)) {
      expect(response.status).toBe(403);
      expectNothingOfB(response.body);
    }
    const stillThere = await api(testApp, adminToken).get('/api/v1/tenants/tenant-b').expect(200);
    expect(stillThere.body).toMatchObject({ status: 'active', placement: placementB });
  });

  it('cannot sign A’s user in through B’s client', async () => {
    const request = await authorizationRequest(b.config, app.callback);
    await page.goto(request.url.href);
    await submitLogin(page, 'alice@a.test', PASSWORD);
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('The email or password is not right.');
    await page.context().clearCookies();
  });

  it('cannot introspect, revoke or refresh B’s tokens with A’s client', async () => {
    expect(await oauth.tokenIntrospection(a.config, userTokensB.access_token)).toEqual({ active: false });
    await expect(oauth.tokenRevocation(a.config, userTokensB.refresh_token!)).rejects.toMatchObject({ error: 'unauthorized_client' });
    await expect(oauth.refreshTokenGrant(a.config, userTokensB.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect(await oauth.tokenIntrospection(b.config, userTokensB.refresh_token!)).toMatchObject({ active: true });
  });

  it('gets A’s claims, never B’s, from userinfo', async () => {
    const narrowed = await oauth.refreshTokenGrant(a.config, userTokensA.refresh_token!, { scope: 'openid email' });
    userTokensA = { ...userTokensA, refresh_token: narrowed.refresh_token };
    const info = await oauth.fetchUserInfo(a.config, narrowed.access_token, a.user.id);
    expect(info).toMatchObject({ email: 'alice@a.test' });
    expectNothingOfB(info);
  });

  it('keeps the data layer itself to one tenant: a query without a tenant filter sees only its own rows', async () => {
    const data = testApp.app.get(TenantDataService);
    const users = await data.read(a.tenant, (db) => db.user.findMany({ select: { email: true, tenantId: true } }));
    expect(users).toEqual([{ email: 'alice@a.test', tenantId: a.tenant.id }]);
    const flags = await data.read(a.tenant, (db) => db.tenantFeature.findMany({ select: { tenantId: true } }));
    expect(new Set(flags.map((flag) => flag.tenantId))).toEqual(new Set([a.tenant.id]));
  });

  if (placementA === 'pooled') {
    it('refuses, in PostgreSQL, a pooled write tagged with another tenant', async () => {
      const data = testApp.app.get(TenantDataService);
      await expect(
        data.write(a.tenant, (db) =>
          db.tenantFeature.create({ data: { tenantId: b.tenant.id, featureKey: 'alpha', enabled: true, origin: 'override' } }),
        ),
      ).rejects.toThrow(/row-level security/);
    });

    it('runs pooled queries as a role that cannot switch row-level security off', async () => {
      const pool = testApp.app.get(DatabaseService).pool;
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query("SELECT set_config('role', 'tenantry_pooled', true)");
        // No tenant named: nothing is visible.
        expect((await client.query('SELECT count(*)::int AS n FROM tenants_pooled.users')).rows[0].n).toBe(0);
        await client.query('SAVEPOINT attempt');
        await expect(client.query('ALTER TABLE tenants_pooled.users DISABLE ROW LEVEL SECURITY')).rejects.toThrow(/must be owner/);
        await client.query('ROLLBACK TO SAVEPOINT attempt');
        await client.query('SET LOCAL row_security = off');
        await expect(client.query('SELECT * FROM tenants_pooled.users')).rejects.toThrow(/row-level security/);
      } finally {
        await client.query('ROLLBACK');
        client.release();
      }
    });
  }
});
