import { decodeJwt } from 'jose';
import * as oauth from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { FeaturesService } from '../../src/features/features.service.js';
import { api, SETUP_ACTOR } from '../support/api.js';
import { CallbackServer, launchBrowser, submitLogin } from '../support/browser.js';
import {
  authorizationRequest,
  PASSWORD,
  tenantWithUserAndClient,
  type AuthorizationRequest,
  type TenantFixture,
} from '../support/oidc-fixture.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('authorization code + PKCE with a real browser and openid-client', () => {
  let testApp: TestApp;
  let browser: Browser;
  let page: Page;
  let app: CallbackServer;
  let acme: TenantFixture;
  let tokens: oauth.TokenEndpointResponse & oauth.TokenEndpointResponseHelpers;

  const exchange = (callback: URL, request: AuthorizationRequest) =>
    oauth.authorizationCodeGrant(acme.config, callback, {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    });

  /** A sign-in on a page that already has a session and consent: straight back to the app. */
  async function silentSignIn(onPage: Page): Promise<oauth.TokenEndpointResponse & oauth.TokenEndpointResponseHelpers> {
    const request = await authorizationRequest(acme.config, app.callback, { prompt: '' });
    return exchange(await app.next(() => onPage.goto(request.url.href)), request);
  }

  /** Signed in already; consent asked (the grant may have been revoked) and given. */
  async function consentedSignIn(onPage: Page): Promise<oauth.TokenEndpointResponse & oauth.TokenEndpointResponseHelpers> {
    const request = await authorizationRequest(acme.config, app.callback);
    const callback = await app.next(async () => {
      await onPage.goto(request.url.href);
      await onPage.getByRole('button', { name: 'Allow' }).click();
    });
    return exchange(callback, request);
  }

  beforeAll(async () => {
    testApp = await startTestApp();
    app = await CallbackServer.start();
    browser = await launchBrowser();
    page = await browser.newPage();
    acme = await tenantWithUserAndClient(testApp, 'acme', 'alice@acme.test', app);
    const features = testApp.app.get(FeaturesService);
    await features.createFeature({ key: 'beta', description: 'Beta', defaultEnabled: false });
    await features.setTenantFeature(acme.tenant, 'beta', true, SETUP_ACTOR);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await testApp.close();
  });

  it('discovers every endpoint it will use', () => {
    const metadata = acme.config.serverMetadata();
    const endpoints = [
      'authorization_endpoint',
      'token_endpoint',
      'userinfo_endpoint',
      'introspection_endpoint',
      'revocation_endpoint',
      'end_session_endpoint',
      'device_authorization_endpoint',
      'jwks_uri',
    ];
    for (const endpoint of endpoints) expect(metadata[endpoint]).toMatch(new RegExp(`^${testApp.baseUrl}/oidc/`));
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
  });

  it('signs the user in on our page, asks consent in plain words, and exchanges the code', async () => {
    const request = await authorizationRequest(acme.config, app.callback);
    const callback = await app.next(async () => {
      await page.goto(request.url.href);
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      expect(await page.textContent('main')).toContain('Acme Corp');
      await submitLogin(page, 'alice@acme.test', PASSWORD);
      await page.getByRole('heading', { name: 'Allow access?' }).waitFor();
      const consent = await page.textContent('main');
      expect(consent).toContain('See which features are enabled for your organisation');
      expect(consent).toContain('Stay signed in');
      await page.getByRole('button', { name: 'Allow' }).click();
    });
    tokens = await exchange(callback, request);
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(tokens.claims()).toMatchObject({ sub: acme.user.id, email: 'alice@acme.test', aud: acme.clientId });
    const access = decodeJwt(tokens.access_token);
    expect(access).toMatchObject({
      sub: acme.user.id,
      client_id: acme.clientId,
      tenant: 'acme',
      tenant_id: acme.tenant.id,
      aud: `${testApp.baseUrl}/api`,
    });
    // The API scope, and the OpenID scopes that release claims (the same token serves userinfo).
    expect(String(access.scope).split(' ')).toEqual(['openid', 'profile', 'email', 'features:read']);
  });

  it('reads the tenant’s flags with the user’s access token', async () => {
    const response = await api(testApp, tokens.access_token).get('/api/v1/me/features').expect(200);
    expect(response.body).toEqual({ tenant: 'acme', items: [expect.objectContaining({ key: 'beta', enabled: true })] });
  });

  it('remembers consent per grant: a second sign-in asks nothing', async () => {
    const again = await silentSignIn(page);
    expect(decodeJwt(again.access_token).sub).toBe(acme.user.id);
  });

  it('serves userinfo with the access token of the code exchange, claims following the granted OpenID scopes', async () => {
    const userinfo = await oauth.fetchUserInfo(acme.config, tokens.access_token, acme.user.id);
    expect(userinfo).toEqual({
      sub: acme.user.id,
      email: 'alice@acme.test',
      email_verified: true,
      name: 'User of acme',
      updated_at: expect.any(Number),
    });
    // The same token still works at the API.
    await api(testApp, tokens.access_token).get('/api/v1/me/features').expect(200);
  });

  it('releases only the claims of the OpenID scopes granted', async () => {
    const request = await authorizationRequest(acme.config, app.callback, { scope: 'openid email features:read' });
    const callback = await app.next(async () => {
      await page.goto(request.url.href);
      await page.getByRole('button', { name: 'Allow' }).click();
    });
    const narrow = await exchange(callback, request);
    expect(await oauth.fetchUserInfo(acme.config, narrow.access_token, acme.user.id)).toEqual({
      sub: acme.user.id,
      email: 'alice@acme.test',
      email_verified: true,
    });
  });

  it('serves userinfo with a token narrowed to OpenID scopes', async () => {
    tokens = await oauth.refreshTokenGrant(acme.config, tokens.refresh_token!, { scope: 'openid profile email' });
    const userinfo = await oauth.fetchUserInfo(acme.config, tokens.access_token, acme.user.id);
    expect(userinfo).toMatchObject({ sub: acme.user.id, email: 'alice@acme.test', email_verified: true, name: 'User of acme' });
  });

  it('rotates refresh tokens, and a replayed one revokes the whole grant', async () => {
    const first = await oauth.refreshTokenGrant(acme.config, tokens.refresh_token!);
    expect(first.refresh_token).not.toBe(tokens.refresh_token);
    await api(testApp, first.access_token).get('/api/v1/me/features').expect(200);

    await expect(oauth.refreshTokenGrant(acme.config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(oauth.refreshTokenGrant(acme.config, first.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    const revoked = await api(testApp, first.access_token).get('/api/v1/me/features');
    expect(revoked.status).toBe(401);
    expect(revoked.body.detail).toMatch(/revoked/);
  });

  it('introspects and revokes a token for its own client', async () => {
    // The replay above revoked the grant, consent included, so it is asked again.
    const fresh = await consentedSignIn(page);
    expect(await oauth.tokenIntrospection(acme.config, fresh.access_token)).toMatchObject({
      active: true,
      sub: acme.user.id,
      client_id: acme.clientId,
      scope: 'openid profile email features:read',
    });
    expect(await oauth.tokenIntrospection(acme.config, fresh.refresh_token!)).toMatchObject({
      active: true,
      sub: acme.user.id,
      client_id: acme.clientId,
    });

    await oauth.tokenRevocation(acme.config, fresh.access_token);
    expect(await oauth.tokenIntrospection(acme.config, fresh.access_token)).toEqual({ active: false });
    expect((await api(testApp, fresh.access_token).get('/api/v1/me/features')).status).toBe(401);

    await oauth.tokenRevocation(acme.config, fresh.refresh_token!);
    await expect(oauth.refreshTokenGrant(acme.config, fresh.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('signs the user out with end-session, back to the registered URI; the next sign-in asks again', async () => {
    const fresh = await consentedSignIn(page);
    const logout = oauth.buildEndSessionUrl(acme.config, {
      id_token_hint: fresh.id_token!,
      post_logout_redirect_uri: app.loggedOut,
      state: 'bye',
    });
    const landed = await app.next(async () => {
      await page.goto(logout.href);
      await page.getByRole('button', { name: 'Sign out' }).click();
    });
    expect(landed.pathname).toBe('/bye');
    expect(landed.searchParams.get('state')).toBe('bye');

    const again = await authorizationRequest(acme.config, app.callback, { prompt: '' });
    await page.goto(again.url.href);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  });

  it('runs the device flow: the device polls while the user approves in a browser', async () => {
    const device = await oauth.initiateDeviceAuthorization(acme.config, { scope: 'openid features:read' });
    expect(device.user_code).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
    const abort = new AbortController();
    const polling = oauth.pollDeviceAuthorizationGrant(acme.config, device, undefined, { signal: abort.signal });
    const context = await browser.newContext();
    try {
      const phone = await context.newPage();
      await phone.goto(device.verification_uri_complete!);
      expect(await phone.textContent('main')).toContain(device.user_code);
      await phone.getByRole('button', { name: 'Continue' }).click();
      await submitLogin(phone, 'alice@acme.test', PASSWORD);
      await phone.getByRole('button', { name: 'Allow' }).click();
      await phone.getByRole('heading', { name: 'Device connected' }).waitFor();
      const deviceTokens = await polling;
      expect(decodeJwt(deviceTokens.access_token)).toMatchObject({ sub: acme.user.id, tenant: 'acme' });
      await api(testApp, deviceTokens.access_token).get('/api/v1/me/features').expect(200);
    } finally {
      abort.abort();
      await polling.catch(() => undefined);
      await context.close();
    }
  });
});
