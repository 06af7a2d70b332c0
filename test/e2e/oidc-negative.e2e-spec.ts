import { decodeJwt } from 'jose';
import * as oauth from 'openid-client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { FeaturesService } from '../../src/features/features.service.js';
import { LoginThrottleService } from '../../src/oidc/interactions/login-throttle.service.js';
import { api, expectProblem, SETUP_ACTOR } from '../support/api.js';
import { CallbackServer, launchBrowser, submitLogin } from '../support/browser.js';
import {
  authorizationRequest,
  PASSWORD,
  tenantWithUserAndClient,
  type AuthorizationRequest,
  type TenantFixture,
} from '../support/oidc-fixture.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('authorization server: what must be refused', () => {
  let testApp: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let app: CallbackServer;
  let acme: TenantFixture;
  let globex: TenantFixture;

  /** Where the authorization endpoint sends the browser, without following it. */
  async function authorizationOutcome(url: URL): Promise<{ status: number; location: URL | undefined; body: string }> {
    const response = await fetch(url, { redirect: 'manual' });
    const location = response.headers.get('location');
    return { status: response.status, location: location ? new URL(location, url) : undefined, body: await response.text() };
  }

  async function signInForCode(fixture: TenantFixture, email: string): Promise<{ callback: URL; request: AuthorizationRequest }> {
    const request = await authorizationRequest(fixture.config, app.callback);
    const callback = await app.next(async () => {
      await page.goto(request.url.href);
      await submitLogin(page, email, PASSWORD);
      await page.getByRole('button', { name: 'Allow' }).click();
    });
    return { callback, request };
  }

  beforeAll(async () => {
    testApp = await startTestApp();
    app = await CallbackServer.start();
    browser = await launchBrowser();
    acme = await tenantWithUserAndClient(testApp, 'acme', 'alice@acme.test', app);
    globex = await tenantWithUserAndClient(testApp, 'globex', 'bob@globex.test', app);
    const features = testApp.app.get(FeaturesService);
    await features.createFeature({ key: 'beta', description: 'Beta', defaultEnabled: false });
    await features.setTenantFeature(globex.tenant, 'beta', true, SETUP_ACTOR);
  });

  beforeEach(async () => {
    context = await browser.newContext();
    page = await context.newPage();
  });

  afterEach(async () => {
    await context.close();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await testApp.close();
  });

  it('refuses a public client’s request without PKCE', async () => {
    const request = await authorizationRequest(acme.config, app.callback);
    request.url.searchParams.delete('code_challenge');
    request.url.searchParams.delete('code_challenge_method');
    const outcome = await authorizationOutcome(request.url);
    expect(outcome.location?.origin).toBe(app.origin);
    expect(outcome.location?.searchParams.get('error')).toBe('invalid_request');
    expect(outcome.location?.searchParams.get('code')).toBeNull();
  });

  it('refuses plain PKCE', async () => {
    const request = await authorizationRequest(acme.config, app.callback);
    request.url.searchParams.set('code_challenge', request.verifier);
    request.url.searchParams.set('code_challenge_method', 'plain');
    const outcome = await authorizationOutcome(request.url);
    expect(outcome.location?.searchParams.get('error')).toBe('invalid_request');
    expect(outcome.location?.searchParams.get('code')).toBeNull();
  });

  it('never redirects to a redirect URI that is not registered exactly', async () => {
    for (const redirect of ['https://evil.test/cb', `${app.callback}/extra`, `${app.callback}?x=1`]) {
      const request = await authorizationRequest(acme.config, redirect);
      const outcome = await authorizationOutcome(request.url);
      expect(outcome.status).toBe(400);
      expect(outcome.location).toBeUndefined();
      expect(outcome.body).toContain('redirect_uri');
    }
  });

  it('refuses a scope the client was not registered with', async () => {
    const request = await authorizationRequest(acme.config, app.callback, { scope: 'openid features:write' });
    const outcome = await authorizationOutcome(request.url);
    expect(outcome.location?.searchParams.get('error')).toBe('invalid_scope');
  });

  it('refuses a code exchanged with the wrong verifier', async () => {
    const { callback, request } = await signInForCode(acme, 'alice@acme.test');
    await expect(
      oauth.authorizationCodeGrant(acme.config, callback, {
        pkceCodeVerifier: oauth.randomPKCECodeVerifier(),
        expectedState: request.state,
        expectedNonce: request.nonce,
      }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a code used twice and revokes what its first use issued', async () => {
    const { callback, request } = await signInForCode(acme, 'alice@acme.test');
    const checks = { pkceCodeVerifier: request.verifier, expectedState: request.state, expectedNonce: request.nonce };
    const first = await oauth.authorizationCodeGrant(acme.config, callback, checks);
    await api(testApp, first.access_token).get('/api/v1/me/features').expect(200);

    await expect(oauth.authorizationCodeGrant(acme.config, callback, checks)).rejects.toMatchObject({ error: 'invalid_grant' });
    expectProblem(await api(testApp, first.access_token).get('/api/v1/me/features'), 401, 'TOKEN_INVALID');
    await expect(oauth.refreshTokenGrant(acme.config, first.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('does not let a user of tenant A sign in through tenant B’s client', async () => {
    const request = await authorizationRequest(globex.config, app.callback);
    await page.goto(request.url.href);
    expect(await page.textContent('main')).toContain('Globex Corp');
    await submitLogin(page, 'alice@acme.test', PASSWORD);
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('The email or password is not right.');
  });

  it('does not let tenant A’s signed-in session satisfy tenant B’s client', async () => {
    await signInForCode(acme, 'alice@acme.test');
    const request = await authorizationRequest(globex.config, app.callback, { prompt: '' });
    await page.goto(request.url.href);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.textContent('main')).toContain('Globex Corp');
  });

  it('keeps a tenant-A user token away from tenant B’s API paths', async () => {
    const { callback, request } = await signInForCode(acme, 'alice@acme.test');
    const tokens = await oauth.authorizationCodeGrant(acme.config, callback, {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    });
    expect(decodeJwt(tokens.access_token).tenant).toBe('acme');
    expectProblem(await api(testApp, tokens.access_token).get('/api/v1/tenants/globex/features'), 404, 'TENANT_NOT_FOUND');
    expectProblem(await api(testApp, tokens.access_token).get('/api/v1/tenants/globex/features/beta'), 404, 'TENANT_NOT_FOUND');
    expectProblem(await api(testApp, tokens.access_token).get('/api/v1/tenants'), 403);
    const own = await api(testApp, tokens.access_token).get('/api/v1/me/features').expect(200);
    expect(own.body).toEqual({ tenant: 'acme', items: [expect.objectContaining({ key: 'beta', enabled: false })] });
  });

  it('refuses a revoked access token at the API', async () => {
    const { callback, request } = await signInForCode(acme, 'alice@acme.test');
    const tokens = await oauth.authorizationCodeGrant(acme.config, callback, {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    });
    await api(testApp, tokens.access_token).get('/api/v1/me/features').expect(200);
    await oauth.tokenRevocation(acme.config, tokens.access_token);
    const response = await api(testApp, tokens.access_token).get('/api/v1/me/features');
    expectProblem(response, 401, 'TOKEN_INVALID');
    expect(response.body.detail).toMatch(/revoked/);
  });

  it('does not let one tenant’s client introspect or revoke another tenant’s token', async () => {
    const { callback, request } = await signInForCode(acme, 'alice@acme.test');
    const tokens = await oauth.authorizationCodeGrant(acme.config, callback, {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    });
    expect(await oauth.tokenIntrospection(globex.config, tokens.access_token)).toEqual({ active: false });
    await expect(oauth.tokenRevocation(globex.config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'unauthorized_client' });
    expect(await oauth.tokenIntrospection(acme.config, tokens.refresh_token!)).toMatchObject({ active: true });
  });

  it('locks an account after repeated failures, with a clear message', async () => {
    const throttle = testApp.app.get(LoginThrottleService);
    const accountKey = LoginThrottleService.accountKey(acme.tenant.id, 'alice@acme.test');
    for (let attempt = 0; attempt < 10; attempt += 1)
      await throttle.recordFailure(accountKey, LoginThrottleService.addressKey('198.51.100.7'));
    const request = await authorizationRequest(acme.config, app.callback);
    await page.goto(request.url.href);
    await submitLogin(page, 'alice@acme.test', PASSWORD);
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toMatch(/Too many failed sign-in attempts\. Try again in 1[45] minutes\./);
    await throttle.recordSuccess(accountKey);
  });

  it('slows repeated failures down before locking', async () => {
    const throttle = testApp.app.get(LoginThrottleService);
    const accountKey = LoginThrottleService.accountKey(acme.tenant.id, 'slow@acme.test');
    const address = LoginThrottleService.addressKey('198.51.100.8');
    const delays: number[] = [];
    for (let attempt = 0; attempt < 6; attempt += 1) delays.push((await throttle.recordFailure(accountKey, address)).delayMs);
    expect(delays).toEqual([0, 0, 0, 500, 1000, 1500]);
  });

  it('refuses a sign-in form posted without its anti-CSRF token', async () => {
    const request = await authorizationRequest(acme.config, app.callback);
    await page.goto(request.url.href);
    await page
      .locator('input[name="csrf"]')
      .first()
      .evaluate((input) => ((input as unknown as { value: string }).value = 'forged'));
    const [response] = await Promise.all([
      page.waitForResponse((candidate) => candidate.url().endsWith('/login')),
      submitLogin(page, 'alice@acme.test', PASSWORD),
    ]);
    expect(response.status()).toBe(403);
    expect(await page.textContent('main')).toContain('The form was not sent from this page');
  });
});
