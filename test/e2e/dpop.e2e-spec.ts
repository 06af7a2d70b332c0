import { createHash, randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, decodeJwt, exportJWK, SignJWT } from 'jose';
import * as oauth from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { ClientsService } from '../../src/oidc/clients.service.js';
import { TenantsService } from '../../src/tenants/tenants.service.js';
import { api, expectProblem } from '../support/api.js';
import { CallbackServer, launchBrowser, submitLogin } from '../support/browser.js';
import { authorizationRequest, PASSWORD, tenantWithUserAndClient, type TenantFixture } from '../support/oidc-fixture.js';
import { discoverClient, startTestApp, type TestApp } from '../support/test-app.js';

/** A DPoP proof made by hand, for the cases a client library would never send. */
async function proof(
  keys: oauth.CryptoKeyPair,
  claims: { htm: string; htu: string; token: string; jti?: string; iat?: number },
): Promise<string> {
  return new SignJWT({
    htm: claims.htm,
    htu: claims.htu,
    jti: claims.jti ?? randomUUID(),
    ath: createHash('sha256').update(claims.token).digest('base64url'),
  })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: await exportJWK(keys.publicKey) })
    .setIssuedAt(claims.iat)
    .sign(keys.privateKey);
}

describe('DPoP (RFC 9449) at the resource server', () => {
  let testApp: TestApp;
  let config: oauth.Configuration;
  let keys: oauth.CryptoKeyPair;
  let dpop: oauth.DPoPHandle;
  let bound: string;
  let meUrl: string;

  const call = (token: string, url: string, headers: Record<string, string>, method = 'GET', body?: string) =>
    fetch(url, { method, headers: { authorization: `DPoP ${token}`, ...headers }, body });

  beforeAll(async () => {
    testApp = await startTestApp();
    await testApp.app.get(TenantsService).create({ slug: 'acme' });
    const { client, clientSecret } = await testApp.app.get(ClientsService).create({
      name: 'acme service',
      tenantSlug: 'acme',
      grantTypes: ['client_credentials'],
      scopes: ['features:read'],
    });
    config = await discoverClient(testApp, client.clientId, clientSecret!);
    keys = await oauth.randomDPoPKeyPair('ES256');
    dpop = oauth.getDPoPHandle(config, keys);
    const tokens = await oauth.clientCredentialsGrant(config, { scope: 'features:read' }, { DPoP: dpop });
    expect(tokens.token_type.toLowerCase()).toBe('dpop');
    bound = tokens.access_token;
    meUrl = `${testApp.baseUrl}/api/v1/me/features`;
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('binds the token to the client’s key (cnf.jkt) when the token request carries a proof', async () => {
    expect(decodeJwt(bound).cnf).toEqual({ jkt: await calculateJwkThumbprint(await exportJWK(keys.publicKey)) });
  });

  it('accepts the bound token with its proof at the API and at OFREP', async () => {
    const me = await oauth.fetchProtectedResource(config, bound, new URL(meUrl), 'GET', undefined, undefined, { DPoP: dpop });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { tenant: string }).tenant).toBe('acme');
    const ofrep = await oauth.fetchProtectedResource(
      config,
      bound,
      new URL(`${testApp.baseUrl}/ofrep/v1/evaluate/flags`),
      'POST',
      JSON.stringify({ context: {} }),
      new Headers({ 'content-type': 'application/json' }),
      { DPoP: dpop },
    );
    expect(ofrep.status).toBe(200);
  });

  it('refuses the bound token presented as Bearer, and says which schemes it takes', async () => {
    const response = await api(testApp, bound).get('/api/v1/me/features');
    expectProblem(response, 401, 'TOKEN_INVALID');
    expect(response.headers['www-authenticate']).toBe(
      'Bearer realm="tenantry", error="invalid_token", error_description="This token is bound to a DPoP key: send it as Authorization: DPoP with a DPoP proof.", DPoP realm="tenantry", algs="ES256 EdDSA Ed25519"',
    );
  });

  it('refuses a proof by another key, for another method or URL, without ath, stale, or missing', async () => {
    const other = await oauth.randomDPoPKeyPair('ES256');
    const cases: [string, Promise<string> | undefined][] = [
      ['another key', proof(other, { htm: 'GET', htu: meUrl, token: bound })],
      ['another method', proof(keys, { htm: 'POST', htu: meUrl, token: bound })],
      ['another URL', proof(keys, { htm: 'GET', htu: `${testApp.baseUrl}/api/v1/features`, token: bound })],
      ['another token', proof(keys, { htm: 'GET', htu: meUrl, token: `${bound}x` })],
      ['a stale one', proof(keys, { htm: 'GET', htu: meUrl, token: bound, iat: Math.floor(Date.now() / 1000) - 600 })],
      ['none', undefined],
    ];
    for (const [name, made] of cases) {
      const response = await call(bound, meUrl, made ? { dpop: await made } : {});
      expect({ name, status: response.status, body: ((await response.json()) as { code: string }).code }).toEqual({
        name,
        status: 401,
        body: 'DPOP_PROOF_INVALID',
      });
      expect(response.headers.get('www-authenticate')).toContain(
        'DPoP realm="tenantry", algs="ES256 EdDSA Ed25519", error="invalid_dpop_proof"',
      );
    }
  });

  it('refuses a replayed proof, also on a second instance', async () => {
    const second = testApp.database.kind === 'server' ? await startTestApp({ PUBLIC_URL: testApp.baseUrl }, testApp.database) : testApp;
    try {
      const once = await proof(keys, { htm: 'GET', htu: meUrl, token: bound });
      expect((await call(bound, meUrl, { dpop: once })).status).toBe(200);
      const replayed = await call(bound, `${second.url}/api/v1/me/features`, { dpop: once });
      expect(replayed.status).toBe(401);
      expect(((await replayed.json()) as { detail: string }).detail).toBe('This DPoP proof was used before.');
    } finally {
      if (second !== testApp) await second.close();
    }
  });

  it('keeps unbound tokens working as Bearer, and refuses them under the DPoP scheme', async () => {
    const { client, clientSecret } = await testApp.app.get(ClientsService).create({
      name: 'acme bearer service',
      tenantSlug: 'acme',
      grantTypes: ['client_credentials'],
      scopes: ['features:read'],
    });
    const plain = (
      await oauth.clientCredentialsGrant(await discoverClient(testApp, client.clientId, clientSecret!), { scope: 'features:read' })
    ).access_token;
    await api(testApp, plain).get('/api/v1/me/features').expect(200);
    const response = await call(plain, meUrl, { dpop: await proof(keys, { htm: 'GET', htu: meUrl, token: plain }) });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { code: string }).code).toBe('TOKEN_INVALID');
  });

  describe('userinfo', () => {
    let browser: Browser;
    let page: Page;
    let callbacks: CallbackServer;
    let acme: TenantFixture;

    beforeAll(async () => {
      callbacks = await CallbackServer.start();
      browser = await launchBrowser();
      page = await (await browser.newContext()).newPage();
      acme = await tenantWithUserAndClient(testApp, 'acme-users', 'ada@acme.test', callbacks);
    });

    afterAll(async () => {
      await browser?.close();
      await callbacks?.close();
    });

    it('answers a DPoP-bound user token with its proof, and refuses it as Bearer', async () => {
      const userKeys = await oauth.randomDPoPKeyPair('ES256');
      const userDpop = oauth.getDPoPHandle(acme.config, userKeys);
      const request = await authorizationRequest(acme.config, callbacks.callback);
      const callback = await callbacks.next(async () => {
        await page.goto(request.url.href);
        await submitLogin(page, 'ada@acme.test', PASSWORD);
        await page.getByRole('button', { name: 'Allow' }).click();
      });
      const tokens = await oauth.authorizationCodeGrant(
        acme.config,
        callback,
        { pkceCodeVerifier: request.verifier, expectedState: request.state, expectedNonce: request.nonce },
        undefined,
        { DPoP: userDpop },
      );
      // Userinfo takes a token without the API audience: narrow a refresh to the OpenID scopes (README).
      const userinfoToken = await oauth.refreshTokenGrant(
        acme.config,
        tokens.refresh_token!,
        { scope: 'openid profile email' },
        { DPoP: userDpop },
      );
      const claims = await oauth.fetchUserInfo(acme.config, userinfoToken.access_token, acme.user.id, { DPoP: userDpop });
      expect(claims).toMatchObject({ sub: acme.user.id, email: 'ada@acme.test' });
      const asBearer = await fetch(`${testApp.baseUrl}/oidc/me`, { headers: { authorization: `Bearer ${userinfoToken.access_token}` } });
      expect(asBearer.status).toBe(401);
      expect(asBearer.headers.get('www-authenticate')).toMatch(/invalid_token/);
    });
  });
});
