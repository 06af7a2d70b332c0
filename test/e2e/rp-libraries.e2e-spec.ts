import * as oauth4webapi from 'oauth4webapi';
import * as openidClient from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { ClientsService } from '../../src/oidc/clients.service.js';
import { CallbackServer, launchBrowser, submitLogin } from '../support/browser.js';
import { authorizationRequest, PASSWORD, tenantWithUserAndClient, type TenantFixture } from '../support/oidc-fixture.js';
import { discoverClient, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Two maintained relying-party libraries doing what they do by default: the
 * code exchange, then userinfo with the access token it returned.
 */
describe('relying-party libraries: code exchange, then userinfo with its access token', () => {
  let testApp: TestApp;
  let browser: Browser;
  let page: Page;
  let app: CallbackServer;
  let acme: TenantFixture;

  /** Every claim of the scopes openid profile email, as userinfo releases them for the fixture's user. */
  const expectedClaims = () => ({
    sub: acme.user.id,
    email: 'alice@acme.test',
    email_verified: true,
    name: 'User of acme',
    updated_at: expect.any(Number),
  });

  beforeAll(async () => {
    testApp = await startTestApp();
    app = await CallbackServer.start();
    browser = await launchBrowser();
    page = await browser.newPage();
    acme = await tenantWithUserAndClient(testApp, 'acme', 'alice@acme.test', app);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await testApp?.close();
  });

  it('openid-client (a confidential server app): authorizationCodeGrant, then fetchUserInfo', async () => {
    const { client, clientSecret } = await testApp.app.get(ClientsService).create({
      name: 'acme server app',
      tenantSlug: 'acme',
      grantTypes: ['authorization_code'],
      scopes: ['openid profile email features:read'],
      redirectUris: [app.callback],
    });
    const config = await discoverClient(testApp, client.clientId, clientSecret!);
    const request = await authorizationRequest(config, app.callback, { scope: 'openid profile email features:read' });
    const callback = await app.next(async () => {
      await page.goto(request.url.href);
      await submitLogin(page, 'alice@acme.test', PASSWORD);
      await page.getByRole('button', { name: 'Allow' }).click();
    });
    const tokens = await openidClient.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    });
    const subject = tokens.claims()!.sub;
    expect(subject).toBe(acme.user.id);
    expect(await openidClient.fetchUserInfo(config, tokens.access_token, subject)).toEqual(expectedClaims());
  });

  it('oauth4webapi (the public client a SPA uses): processAuthorizationCodeResponse, then processUserInfoResponse', async () => {
    const issuer = new URL(testApp.config.server.issuer);
    const insecure = { [oauth4webapi.allowInsecureRequests]: true };
    const as = await oauth4webapi.processDiscoveryResponse(issuer, await oauth4webapi.discoveryRequest(issuer, insecure));
    const client: oauth4webapi.Client = { client_id: acme.clientId };
    const codeVerifier = oauth4webapi.generateRandomCodeVerifier();
    const state = oauth4webapi.generateRandomState();
    const nonce = oauth4webapi.generateRandomNonce();
    const authorize = new URL(as.authorization_endpoint!);
    authorize.search = new URLSearchParams({
      client_id: acme.clientId,
      redirect_uri: app.callback,
      response_type: 'code',
      scope: 'openid profile email features:read',
      code_challenge: await oauth4webapi.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    }).toString();
    // Signed in already (the test above): this client's consent is asked once.
    const callback = await app.next(async () => {
      await page.goto(authorize.href);
      await page.getByRole('button', { name: 'Allow' }).click();
    });

    const parameters = oauth4webapi.validateAuthResponse(as, client, callback, state);
    const response = await oauth4webapi.authorizationCodeGrantRequest(
      as,
      client,
      oauth4webapi.None(),
      parameters,
      app.callback,
      codeVerifier,
      insecure,
    );
    const tokens = await oauth4webapi.processAuthorizationCodeResponse(as, client, response, {
      expectedNonce: nonce,
      requireIdToken: true,
    });
    const subject = oauth4webapi.getValidatedIdTokenClaims(tokens)!.sub;
    expect(subject).toBe(acme.user.id);
    const userinfo = await oauth4webapi.processUserInfoResponse(
      as,
      client,
      subject,
      await oauth4webapi.userInfoRequest(as, client, tokens.access_token, insecure),
    );
    expect(userinfo).toEqual(expectedClaims());
  });
});
