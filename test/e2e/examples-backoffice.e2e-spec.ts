import type { BrowserContext, Browser, Page } from 'playwright-core';
import { FeaturesService } from '../../src/features/features.service.js';
import { ClientsService } from '../../src/oidc/clients.service.js';
import { TenantsService } from '../../src/tenants/tenants.service.js';
import { api, clientWithToken } from '../support/api.js';
import { launchBrowser } from '../support/browser.js';
import { startExample, type RunningExample } from '../support/examples.js';
import { freePort, startTestApp, type TestApp } from '../support/test-app.js';

const FLAG = 'new-dashboard';

describe('examples/backoffice in Chromium, on its own origin, against the running app', () => {
  let testApp: TestApp;
  let browser: Browser;
  let backoffice: RunningExample;
  let adminToken: string;
  let backofficeClientId: string;
  let backofficeSecret: string;
  let context: BrowserContext;
  let page: Page;
  /** Everything the page received (URL, headers, body): the secret and tokens must be in none of it. */
  const seen: string[] = [];
  const consoleErrors: string[] = [];

  const setFlag = (enabled: boolean) => api(testApp, adminToken).put(`/api/v1/tenants/acme/features/${FLAG}`, { enabled }).expect(200);

  beforeAll(async () => {
    testApp = await startTestApp();
    await testApp.app.get(TenantsService).create({ slug: 'acme', name: 'Acme Corp' });
    await testApp.app.get(TenantsService).create({ slug: 'globex', name: 'Globex Corp' });
    await testApp.app.get(FeaturesService).createFeature({ key: FLAG, description: 'The redesigned dashboard', defaultEnabled: false });
    const clients = testApp.app.get(ClientsService);
    adminToken = (await clientWithToken(testApp, clients)).token;
    const { client: office, clientSecret } = await clients.create({
      name: 'back-office',
      grantTypes: ['client_credentials'],
      scopes: ['tenants:read features:read features:write'],
    });
    backofficeClientId = office.clientId;
    backofficeSecret = clientSecret!;
    const env = { TENANTRY_URL: testApp.url, CLIENT_ID: backofficeClientId, CLIENT_SECRET: backofficeSecret };
    [backoffice, browser] = await Promise.all([startExample('backoffice', await freePort(), env), launchBrowser()]);
    context = await browser.newContext();
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('response', (response) => {
      void response.text().then(
        (body) => seen.push(`${response.url()}\n${JSON.stringify(response.headers())}\n${body}`),
        () => undefined,
      );
    });
    await page.goto(backoffice.origin);
    await page.getByRole('button', { name: 'Globex Corp' }).waitFor();
    await page.getByRole('button', { name: 'Acme Corp' }).click();
    await page.locator(`tr[data-flag="${FLAG}"]`).waitFor();
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await backoffice?.stop();
    await testApp?.close();
  });

  it('switches a flag with If-Match, and the audit trail shows its client', async () => {
    const before = await api(testApp, adminToken).get(`/api/v1/tenants/acme/features/${FLAG}`).expect(200);
    const enabled = before.body.enabled as boolean;
    const write = page.waitForRequest((request) => request.method() === 'PUT');
    await page.getByRole('button', { name: `Switch ${FLAG} ${enabled ? 'off' : 'on'}` }).click();
    await page.getByText(`${FLAG} is now ${enabled ? 'off' : 'on'}`).waitFor();
    expect((await write).headers()['if-match']).toBe(before.headers.etag);

    const trail = await api(testApp, adminToken).get('/api/v1/tenants/acme/feature-changes').expect(200);
    expect(trail.body.items[0]).toMatchObject({ key: FLAG, actor: { clientId: backofficeClientId }, after: { enabled: !enabled } });
    await page
      .locator('#changes li')
      .first()
      .getByText(`${FLAG} ${enabled ? 'off' : 'on'} by ${backofficeClientId}`)
      .waitFor();
  });

  it('refuses to overwrite a change made since the page read the flag (412), and shows the flag as it now is', async () => {
    const current = (await api(testApp, adminToken).get(`/api/v1/tenants/acme/features/${FLAG}`).expect(200)).body.enabled as boolean;
    await setFlag(!current);
    const refused = page.waitForResponse((response) => response.request().method() === 'PUT');
    await page.getByRole('button', { name: `Switch ${FLAG} ${current ? 'off' : 'on'}` }).click();
    expect((await refused).status()).toBe(412);
    await page.getByText(`${FLAG} was changed by someone else since you loaded it: it is ${current ? 'off' : 'on'} now`).waitFor();
    expect((await api(testApp, adminToken).get(`/api/v1/tenants/acme/features/${FLAG}`).expect(200)).body.enabled).toBe(!current);
  });

  it('never lets its client secret or a token reach the browser', () => {
    expect(seen.length).toBeGreaterThan(5);
    for (const response of seen) {
      expect(response).not.toContain(backofficeSecret);
      expect(response).not.toMatch(/eyJ[\w-]+\.eyJ/);
    }
    // The 412 above is the page's own handling, not an error it logs: nothing else failed.
    expect(consoleErrors.filter((text) => !text.includes('412'))).toEqual([]);
  });
});
