import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { setTimeout as sleep } from 'node:timers/promises';
import { FeatureEventsService } from '../../src/features/feature-events.service.js';
import { FeaturesService } from '../../src/features/features.service.js';
import { ClientsService } from '../../src/oidc/clients.service.js';
import { TenantsService } from '../../src/tenants/tenants.service.js';
import { UsersService } from '../../src/users/users.service.js';
import { api, clientWithToken, SETUP_ACTOR } from '../support/api.js';
import { launchBrowser, submitLogin } from '../support/browser.js';
import { startExample, type RunningExample } from '../support/examples.js';
import { PASSWORD } from '../support/oidc-fixture.js';
import { freePort, startTestApp, type TestApp } from '../support/test-app.js';

const FLAG = 'new-dashboard';
const BANNER = 'banner';
const FLIP_DEADLINE_MS = 2_000;

interface PageFetch {
  url: string;
  init: { method?: string; headers?: Record<string, string>; body?: string };
}

/** A fetch made by the page itself (its origin, its CORS): what it resolved to, or why it was rejected. */
function fetchFromPage(page: Page, { url, init }: PageFetch) {
  return page.evaluate(
    async ({ url, init }) => {
      try {
        return { status: (await fetch(url, init)).status };
      } catch (error) {
        return { rejected: String(error) };
      }
    },
    { url, init },
  );
}

describe('examples/tenant-app in Chromium, on its own origin and on one nobody registered, against the running app', () => {
  let testApp: TestApp;
  let browser: Browser;
  let adminToken: string;
  let spaClientId: string;
  let tenantApp: RunningExample;
  let strangerApp: RunningExample;
  let publishableKey: string;
  /** The access token the tenant app got from its code exchange, as seen on the wire. */
  let userAccessToken: string;

  beforeAll(async () => {
    testApp = await startTestApp();
    const appPort = await freePort();
    const strangerPort = await freePort();
    const appOrigin = `http://127.0.0.1:${appPort}`;
    const strangerOrigin = `http://127.0.0.1:${strangerPort}`;

    const acme = await testApp.app.get(TenantsService).create({ slug: 'acme', name: 'Acme Corp' });
    const globex = await testApp.app.get(TenantsService).create({ slug: 'globex', name: 'Globex Corp' });
    const features = testApp.app.get(FeaturesService);
    await features.createFeature({ key: FLAG, description: 'The redesigned dashboard', defaultEnabled: false });
    // The banner is on for acme only: a key that read another tenant's flags would hide it.
    await features.createFeature({ key: BANNER, description: 'The landing page banner', defaultEnabled: false });
    await features.setTenantFeature(acme, BANNER, true, SETUP_ACTOR);
    await features.setTenantFeature(globex, BANNER, false, SETUP_ACTOR);
    await testApp.app
      .get(UsersService)
      .create(acme, { email: 'alice@acme.test', password: PASSWORD, name: 'Alice Example', emailVerified: true });
    const clients = testApp.app.get(ClientsService);
    adminToken = (await clientWithToken(testApp, clients)).token;
    // The stranger's redirect URI is registered, its web origin is not: it gets the browser back, but no CORS.
    const { client: spa } = await clients.create({
      name: 'acme spa',
      tenantSlug: 'acme',
      public: true,
      grantTypes: ['authorization_code'],
      scopes: ['openid profile email features:read'],
      redirectUris: [`${appOrigin}/callback`, `${strangerOrigin}/callback`],
      postLogoutRedirectUris: [`${appOrigin}/`],
      webOrigins: [appOrigin],
    });
    spaClientId = spa.clientId;
    const created = await api(testApp, adminToken)
      .post('/api/v1/tenants/acme/api-keys', { kind: 'publishable', name: 'acme landing page', origins: [appOrigin] })
      .expect(201);
    publishableKey = created.body.key as string;
    expect(publishableKey).toMatch(/^tpk_/);

    const spaEnv = { TENANTRY_URL: testApp.url, CLIENT_ID: spaClientId, PUBLISHABLE_KEY: publishableKey, FLAGS: FLAG, BANNER_FLAG: BANNER };
    [tenantApp, strangerApp, browser] = await Promise.all([
      startExample('tenant-app', appPort, spaEnv),
      startExample('tenant-app', strangerPort, spaEnv),
      launchBrowser(),
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([tenantApp?.stop(), strangerApp?.stop()]);
    await testApp?.close();
  });

  const setFlag = (enabled: boolean, key = FLAG) =>
    api(testApp, adminToken).put(`/api/v1/tenants/acme/features/${key}`, { enabled }).expect(200);
  /**
   * Waits until exactly `count` change streams are subscribed on the server: a
   * toggle made before a page's stream is attached would reach it only with
   * the next change, and the 2 s deadline is about delivery, not about how
   * fast a browser opens its EventSource.
   */
  async function streamsAttached(count: number): Promise<void> {
    const events = testApp.app.get(FeatureEventsService);
    const deadline = Date.now() + 10_000;
    while (events.subscriberCount !== count || events.pendingSubscriptions > 0) {
      if (Date.now() > deadline) throw new Error(`${events.subscriberCount} change streams attached, expected ${count}`);
      await sleep(20);
    }
  }

  /** Waits until the tenant app shows the flag in that state (the page re-renders when its provider reports a change). */
  const flagShown = (page: Page, state: 'on' | 'off', timeout: number) =>
    page.locator(`[data-flag="${FLAG}"] output`, { hasText: new RegExp(`^${state}$`) }).waitFor({ timeout });

  describe('the tenant app', () => {
    let context: BrowserContext;
    let page: Page;
    /** A change stream an OFREP provider of the page opens from its bulk answer's eventStreams. */
    let changeStream: Promise<Response>;

    const consoleErrors: string[] = [];

    beforeAll(async () => {
      context = await browser.newContext();
      page = await context.newPage();
      page.on('console', (message) => {
        // Tenantry's own sign-in pages serve no favicon: not the app's concern.
        if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) {
          consoleErrors.push(`${message.text()} ${message.location().url}`);
        }
      });
    });

    afterAll(async () => {
      await context.close();
    });

    it('before sign-in, shows the banner from a flag read with its publishable key, and follows its changes', async () => {
      const evaluation = page.waitForRequest((request) => request.url() === `${testApp.baseUrl}/ofrep/v1/evaluate/flags`);
      await page.goto(tenantApp.origin);
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      const banner = page.getByRole('status').filter({ hasText: 'Something new is waiting for you' });
      await banner.waitFor();
      const headers = (await evaluation).headers();
      expect({ key: headers['x-api-key'], authorization: headers.authorization }).toEqual({
        key: publishableKey,
        authorization: undefined,
      });
      // The banner's provider follows the change stream of its bulk answer.
      await streamsAttached(1);
      await setFlag(false, BANNER);
      await banner.waitFor({ state: 'hidden', timeout: FLIP_DEADLINE_MS });
      await setFlag(true, BANNER);
      await banner.waitFor({ timeout: FLIP_DEADLINE_MS });
    });

    it('lets its publishable key evaluate flags and nothing else, from the page itself', async () => {
      const withKey = { 'x-api-key': publishableKey, 'content-type': 'application/json' };
      // OFREP answers acme's flag, whatever tenant the context names.
      const spoofed = await page.evaluate(
        async ({ url, headers }) => {
          const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ context: { tenant: 'globex' } }) });
          return { status: response.status, value: ((await response.json()) as { value: unknown }).value };
        },
        { url: `${testApp.url}/ofrep/v1/evaluate/flags/${BANNER}`, headers: withKey },
      );
      expect(spoofed).toEqual({ status: 200, value: true });
      // The token's own API answers this origin, and refuses the key.
      expect(await fetchFromPage(page, { url: `${testApp.url}/api/v1/me/features`, init: { headers: withKey } })).toEqual({ status: 403 });
      // The admin API (toggling, tenants, another tenant's flags) answers no other origin at all.
      for (const call of [
        { url: `${testApp.url}/api/v1/tenants/acme/features/${FLAG}`, init: { method: 'PUT', headers: withKey, body: '{"enabled":true}' } },
        { url: `${testApp.url}/api/v1/tenants`, init: { headers: withKey } },
        { url: `${testApp.url}/api/v1/tenants/globex/features`, init: { headers: withKey } },
      ]) {
        expect({ url: call.url, ...(await fetchFromPage(page, call)) }).toEqual({ url: call.url, rejected: 'TypeError: Failed to fetch' });
      }
      expect((await api(testApp, adminToken).get(`/api/v1/tenants/acme/features/${FLAG}`).expect(200)).body.enabled).toBe(false);
      // Those refusals were this test's own calls; what the app logs from here on must be clean.
      consoleErrors.length = 0;
    });

    it('signs the user in with code + PKCE on our sign-in page and shows their name from userinfo', async () => {
      const tokenAnswer = page.waitForResponse((response) => response.url() === `${testApp.baseUrl}/oidc/token`);
      const userinfoAnswer = page.waitForResponse((response) => response.url() === `${testApp.baseUrl}/oidc/me`);
      changeStream = page.waitForResponse((response) => response.url().startsWith(`${testApp.baseUrl}/ofrep/v1/feature-events?ticket=`));
      await page.goto(tenantApp.origin);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      await submitLogin(page, 'alice@acme.test', PASSWORD);
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.getByText('Signed in as Alice Example').waitFor();

      const token = await tokenAnswer;
      expect(token.status()).toBe(200);
      expect(token.request().postData()).toMatch(/code_verifier=/);
      userAccessToken = ((await token.json()) as { access_token: string }).access_token;
      expect((await userinfoAnswer).status()).toBe(200);
      expect(new URL(page.url()).origin).toBe(tenantApp.origin);
      await flagShown(page, 'off', 5_000);
    });

    it('shows a flag flipped through the API within 2 s, through the change stream', async () => {
      const stream = await changeStream;
      expect({ type: stream.request().resourceType(), status: stream.status() }).toEqual({ type: 'eventsource', status: 200 });
      // This page's two providers: the banner's (publishable key) and the user's (access token).
      await streamsAttached(2);
      await setFlag(true);
      await flagShown(page, 'on', FLIP_DEADLINE_MS);
      await setFlag(false);
      await flagShown(page, 'off', FLIP_DEADLINE_MS);
    });

    describe('the same app on an origin nobody registered', () => {
      let strangerContext: BrowserContext;
      let stranger: Page;
      const corsErrors: string[] = [];

      beforeAll(async () => {
        strangerContext = await browser.newContext();
        stranger = await strangerContext.newPage();
        stranger.on('console', (message) => {
          if (/blocked by CORS policy/.test(message.text())) corsErrors.push(message.text());
        });
      });

      afterAll(async () => {
        await strangerContext.close();
      });

      it('cannot read flags with the publishable key: blocked by CORS, and refused by the server', async () => {
        const evaluation = stranger.waitForEvent(
          'requestfailed',
          (request) => request.url() === `${testApp.baseUrl}/ofrep/v1/evaluate/flags`,
        );
        await stranger.goto(strangerApp.origin);
        await stranger.getByText('Flags unavailable').waitFor();
        expect((await evaluation).headers()['x-api-key']).toBe(publishableKey);
        expect(await stranger.locator('#banner').isHidden()).toBe(true);
        expect(corsErrors.some((text) => text.includes(`${testApp.baseUrl}/ofrep/v1/evaluate/flags`))).toBe(true);
        // What a script that ignores CORS gets from that origin: a refusal, not flags.
        const direct = await fetch(`${testApp.url}/ofrep/v1/evaluate/flags`, {
          method: 'POST',
          headers: { origin: strangerApp.origin, 'x-api-key': publishableKey, 'content-type': 'application/json' },
          body: '{"context":{}}',
        });
        expect({ status: direct.status, code: ((await direct.json()) as { code: string }).code }).toEqual({
          status: 403,
          code: 'API_KEY_ORIGIN_REFUSED',
        });
        expect(direct.headers.get('access-control-allow-origin')).toBeNull();
      });

      it('gets the browser back from sign-in, but its code exchange is blocked by CORS and refused', async () => {
        const logsBefore = testApp.logs.length;
        const blocked = stranger.waitForEvent('requestfailed', (request) => request.url() === `${testApp.baseUrl}/oidc/token`);
        await stranger.goto(strangerApp.origin);
        await stranger.getByRole('button', { name: 'Sign in' }).click();
        await submitLogin(stranger, 'alice@acme.test', PASSWORD);
        await stranger.getByRole('button', { name: 'Allow' }).click();
        await stranger.getByText('Sign-in failed: Failed to fetch').waitFor();
        expect(new URL(stranger.url()).origin).toBe(strangerApp.origin);
        expect(corsErrors.some((text) => text.includes(`${testApp.baseUrl}/oidc/token`))).toBe(true);
        expect((await blocked).failure()?.errorText).toBe('net::ERR_FAILED');
        // The exchange is a CORS-simple request, so it reached the server: which issued nothing (400 invalid_request).
        const tokenRequests = testApp.logs
          .slice(logsBefore)
          .map((line) => JSON.parse(line) as { req?: { method: string; path: string }; res?: { statusCode: number } })
          .filter((entry) => entry.req?.method === 'POST' && entry.req.path === '/oidc/token');
        expect(tokenRequests.map((entry) => entry.res?.statusCode)).toEqual([400]);
      });

      it('cannot call OFREP, userinfo or the API with a valid token: the page’s fetch rejects, where the registered origin’s succeeds', async () => {
        const calls: PageFetch[] = [
          {
            url: `${testApp.url}/ofrep/v1/evaluate/flags`,
            init: {
              method: 'POST',
              headers: { authorization: `Bearer ${userAccessToken}`, 'content-type': 'application/json' },
              body: '{"context":{}}',
            },
          },
          { url: `${testApp.url}/oidc/me`, init: { headers: { authorization: `Bearer ${userAccessToken}` } } },
          { url: `${testApp.url}/api/v1/me/features`, init: { headers: { authorization: `Bearer ${userAccessToken}` } } },
        ];
        for (const call of calls) {
          expect({ url: call.url, ...(await fetchFromPage(stranger, call)) }).toEqual({
            url: call.url,
            rejected: 'TypeError: Failed to fetch',
          });
          expect({ url: call.url, ...(await fetchFromPage(page, call)) }).toEqual({ url: call.url, status: 200 });
        }
      });
    });

    it('signs out with RP-initiated logout, back to its registered page; the next sign-in asks for the password again', async () => {
      await page.getByRole('button', { name: 'Sign out' }).click();
      // Tenantry's own confirmation page (end_session_endpoint).
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByText('You are signed out').waitFor();
      expect(new URL(page.url()).origin).toBe(tenantApp.origin);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      expect(new URL(page.url()).origin).toBe(new URL(testApp.baseUrl).origin);
      // On its registered origin nothing failed along the way: libraries, import map, CSP, CORS.
      expect(consoleErrors).toEqual([]);
    });
  });
});
