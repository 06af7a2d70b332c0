import { spawnSync } from 'node:child_process';
import * as oauth from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { FeatureEventsService } from '../../src/features/feature-events.service.js';
import { FeaturesService } from '../../src/features/features.service.js';
import { LoginThrottleService } from '../../src/oidc/interactions/login-throttle.service.js';
import { ClientsService } from '../../src/oidc/clients.service.js';
import { api, clientWithToken, expectProblem, SETUP_ACTOR, type TestClient } from '../support/api.js';
import { CallbackServer, launchBrowser, submitLogin } from '../support/browser.js';
import { EventStreamClient } from '../support/event-stream.js';
import { authorizationRequest, PASSWORD, tenantWithUserAndClient, type TenantFixture } from '../support/oidc-fixture.js';
import { discoverClient, startTestApp, type TestApp } from '../support/test-app.js';

const METRICS_TOKEN = 'Zq7vN2pL9xR4tW8yB3mK6cF1hJ5sD0gA-metrics';

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition (promtool checks the format itself). */
function samples(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a sample line: ${line}`);
      const labels = Object.fromEntries(
        [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((label) => [label[1]!, label[2]!]),
      );
      return { name: match[1]!, labels, value: Number(match[3]) };
    });
}

/** The value of the one sample with that name and (at least) those labels; undefined when there is none. */
function valueOf(all: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = all.filter(
    (sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${found.length} samples`);
  return found[0]?.value;
}

describe('metrics: /metrics for Prometheus, behind METRICS_TOKEN', () => {
  let testApp: TestApp;
  let browser: Browser;
  let page: Page;
  let app: CallbackServer;
  let acme: TenantFixture;
  let admin: TestClient;

  const scrape = (token = METRICS_TOKEN) => request(testApp.url).get('/metrics').set('Authorization', `Bearer ${token}`);

  beforeAll(async () => {
    testApp = await startTestApp({ METRICS_TOKEN });
    app = await CallbackServer.start();
    browser = await launchBrowser();
    page = await browser.newPage();
    acme = await tenantWithUserAndClient(testApp, 'acme', 'alice@acme.test', app);
    const features = testApp.app.get(FeaturesService);
    await features.createFeature({ key: 'beta', description: 'Beta', defaultEnabled: false });
    await features.setTenantFeature(acme.tenant, 'beta', true, SETUP_ACTOR);
    admin = await clientWithToken(testApp, testApp.app.get(ClientsService));
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await testApp?.close();
  });

  it('refuses a scrape without the token, with another token, and with an API access token', async () => {
    const missing = await request(testApp.url).get('/metrics');
    expectProblem(missing, 401, 'METRICS_TOKEN_MISSING');
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="tenantry-metrics"');
    for (const token of [`${METRICS_TOKEN}x`, admin.token]) {
      const refused = await scrape(token);
      expectProblem(refused, 401, 'METRICS_TOKEN_INVALID');
      expect(refused.headers['www-authenticate']).toBe('Bearer realm="tenantry-metrics", error="invalid_token"');
      expect(refused.text).not.toContain('tenantry_');
    }
  });

  it('stays out of the OpenAPI document', async () => {
    const document = await request(testApp.url).get('/docs-json').expect(200);
    expect(Object.keys(document.body.paths as object)).not.toContain('/metrics');
  });

  it('after a token, a sign-in and a flag read, serves every series with their values, and promtool accepts the scrape', async () => {
    // Tokens: the admin's client-credentials token above, and one refused for a wrong secret.
    const wrongSecret = await discoverClient(testApp, admin.clientId, 'not-the-secret');
    await expect(oauth.clientCredentialsGrant(wrongSecret, { scope: 'features:read' })).rejects.toBeInstanceOf(
      oauth.WWWAuthenticateChallengeError,
    );

    // A sign-in: one wrong password, then the right one, consent, and the code exchange.
    const authorization = await authorizationRequest(acme.config, app.callback);
    const callback = await app.next(async () => {
      await page.goto(authorization.url.href);
      await submitLogin(page, 'alice@acme.test', 'not the passphrase');
      await page.getByRole('alert').waitFor();
      await submitLogin(page, 'alice@acme.test', PASSWORD);
      await page.getByRole('button', { name: 'Allow' }).click();
    });
    const tokens = await oauth.authorizationCodeGrant(acme.config, callback, {
      pkceCodeVerifier: authorization.verifier,
      expectedState: authorization.state,
      expectedNonce: authorization.nonce,
    });

    // A locked account is refused before its password is checked.
    const throttle = testApp.app.get(LoginThrottleService);
    const bobKey = LoginThrottleService.accountKey(acme.tenant.id, 'bob@acme.test');
    for (let attempt = 0; attempt < 10; attempt += 1) await throttle.recordFailure(bobKey, LoginThrottleService.addressKey('198.51.100.9'));
    const lockedPage = await (await browser.newContext()).newPage();
    await lockedPage.goto((await authorizationRequest(acme.config, app.callback)).url.href);
    await submitLogin(lockedPage, 'bob@acme.test', PASSWORD);
    await lockedPage.getByRole('alert').waitFor();
    expect(await lockedPage.getByRole('alert').textContent()).toContain('Too many failed sign-in attempts');

    // Flag reads, a change-stream subscriber, and a path no route serves.
    await api(testApp, tokens.access_token).get('/api/v1/me/features').expect(200);
    await api(testApp, admin.token).get('/api/v1/tenants/acme/features').expect(200);
    const stream = await EventStreamClient.open(`${testApp.url}/api/v1/me/feature-events`, tokens.access_token);
    expect(stream.status).toBe(200);
    await until(() => testApp.app.get(FeatureEventsService).subscriberCount === 1);
    await request(testApp.url).get(`/no/such/${acme.clientId}`).expect(404);

    const scraped = await scrape().expect(200);
    stream.close();
    expect(scraped.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(scraped.headers['cache-control']).toBe('no-store');
    const all = samples(scraped.text);

    expect(valueOf(all, 'tenantry_sign_ins_total', { outcome: 'success' })).toBe(1);
    expect(valueOf(all, 'tenantry_sign_ins_total', { outcome: 'failure' })).toBe(1);
    expect(valueOf(all, 'tenantry_sign_ins_total', { outcome: 'locked' })).toBe(1);

    const tokenRequests = (grantType: string, outcome: string) =>
      valueOf(all, 'tenantry_token_requests_total', { grant_type: grantType, outcome });
    expect(tokenRequests('client_credentials', 'success')).toBe(1);
    expect(tokenRequests('client_credentials', 'invalid_client')).toBe(1);
    expect(tokenRequests('authorization_code', 'success')).toBe(1);
    expect(tokenRequests('refresh_token', 'success')).toBe(0);

    const requests = (labels: Record<string, string>) => valueOf(all, 'tenantry_http_request_duration_seconds_count', labels);
    expect(requests({ method: 'GET', route: '/api/v1/me/features', status_code: '200' })).toBe(1);
    expect(requests({ method: 'GET', route: '/api/v1/tenants/:slug/features', status_code: '200' })).toBe(1);
    expect(requests({ method: 'POST', route: '/interaction/:uid/login', status_code: '401' })).toBe(1);
    expect(requests({ method: 'POST', route: '/interaction/:uid/login', status_code: '429' })).toBe(1);
    expect(requests({ method: 'POST', route: '/oidc/token', status_code: '200' })).toBe(2);
    expect(requests({ method: 'POST', route: '/oidc/token', status_code: '401' })).toBe(1);
    expect(requests({ method: 'GET', route: '/oidc/.well-known/openid-configuration', status_code: '200' })).toBeGreaterThanOrEqual(2);
    expect(requests({ method: 'GET', route: '/oidc/auth/:uid', status_code: '303' })).toBeGreaterThanOrEqual(1);
    expect(requests({ method: 'GET', route: 'unmatched', status_code: '404' })).toBe(1);
    expect(requests({ method: 'GET', route: '/api/v1/me/feature-events', status_code: '200' })).toBeUndefined(); // still open when scraped
    const routes = new Set(all.filter((sample) => sample.name.startsWith('tenantry_http_request')).map((sample) => sample.labels.route));
    for (const route of routes) expect(route === 'unmatched' || (route!.startsWith('/') && !route!.includes(acme.clientId))).toBe(true);
    expect(valueOf(all, 'tenantry_http_request_duration_seconds_bucket', { route: '/oidc/token', status_code: '200', le: '+Inf' })).toBe(2);

    expect(valueOf(all, 'tenantry_cache_misses_total', { cache: 'tenant-feature-settings' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(all, 'tenantry_cache_hits_total', { cache: 'clients' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(all, 'tenantry_cache_entries', { cache: 'tenants' })).toBeGreaterThanOrEqual(1);

    expect(valueOf(all, 'tenantry_database_pool_connections', { state: 'idle' })).toBeGreaterThanOrEqual(0);
    expect(valueOf(all, 'tenantry_database_pool_connections', { state: 'in_use' })).toBeGreaterThanOrEqual(0);
    expect(Number.isInteger(valueOf(all, 'tenantry_database_pool_waiting'))).toBe(true);
    expect(valueOf(all, 'tenantry_database_pool_max_connections')).toBeGreaterThanOrEqual(1);

    expect(valueOf(all, 'tenantry_tenants', { placement: 'isolated', status: 'active' })).toBe(1);
    expect(valueOf(all, 'tenantry_tenants', { placement: 'pooled', status: 'active' })).toBe(0);
    expect(all.filter((sample) => sample.name === 'tenantry_tenants')).toHaveLength(6);
    expect(valueOf(all, 'tenantry_tenant_schemas_behind')).toBe(0);
    expect(valueOf(all, 'tenantry_feature_event_subscribers')).toBe(1);

    expect(valueOf(all, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(valueOf(all, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(all.filter((sample) => sample.name === 'nodejs_active_handles').length).toBeGreaterThan(0);

    const promtool = spawnSync('promtool', ['check', 'metrics'], { input: scraped.text, encoding: 'utf8' });
    expect({ status: promtool.status, output: `${promtool.stdout}${promtool.stderr}` }).toEqual({ status: 0, output: '' });
  });

  it('counts a scrape like any request, and reads the tenant registry at most every few seconds', async () => {
    const first = samples((await scrape().expect(200)).text);
    const second = samples((await scrape().expect(200)).text);
    expect(valueOf(second, 'tenantry_http_request_duration_seconds_count', { route: '/metrics', status_code: '200' })).toBeGreaterThan(
      valueOf(first, 'tenantry_http_request_duration_seconds_count', { route: '/metrics', status_code: '200' }) ?? 0,
    );
    expect(valueOf(second, 'tenantry_cache_hits_total', { cache: 'metrics-registry' })).toBeGreaterThan(
      valueOf(first, 'tenantry_cache_hits_total', { cache: 'metrics-registry' }) ?? 0,
    );
  });

  it('is off by default: an instance without METRICS_TOKEN has no /metrics', async () => {
    const plain = await startTestApp();
    try {
      expectProblem(await request(plain.url).get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`), 404);
    } finally {
      await plain.close();
    }
  });
});
