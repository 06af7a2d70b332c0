import type { Browser, Page } from 'playwright-core';
import { ClientsService } from '../../src/oidc/clients.service.js';
import { TenantsService } from '../../src/tenants/tenants.service.js';
import { UsersService } from '../../src/users/users.service.js';
import { launchBrowser, submitLogin } from '../support/browser.js';
import { PASSWORD } from '../support/oidc-fixture.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** Operators use Swagger UI: its Authorize button must work with both flows, against our own endpoints. */
describe('Swagger UI', () => {
  let testApp: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    testApp = await startTestApp();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await testApp.close();
  });

  async function tryItOut(page: Page, operationId: string): Promise<string> {
    const operation = page.locator(`[id$="-${operationId}"]`).first();
    await operation.locator('.opblock-summary').first().click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    await operation.getByRole('button', { name: 'Execute' }).click();
    const status = operation.locator('.live-responses-table tr.response .response-col_status').first();
    await status.waitFor();
    return (await status.textContent())!.trim();
  }

  it('authorizes with client credentials and calls the API', async () => {
    const { client, clientSecret } = await testApp.app.get(ClientsService).create({
      name: 'swagger operator',
      grantTypes: ['client_credentials'],
      scopes: ['features:read'],
    });
    const page = await browser.newPage();
    await page.goto(`${testApp.baseUrl}/docs`);
    await page.getByRole('button', { name: 'Authorize' }).first().click();
    await page.fill('#client_id_clientCredentials', client.clientId);
    await page.fill('#client_secret_clientCredentials', clientSecret!);
    await page.locator('label[for="features:read-clientCredentials-checkbox-client-credentials"]').click();
    await page.locator('.auth-container').first().getByRole('button', { name: 'Apply given OAuth2 credentials' }).click();
    // Authorized: Swagger UI swaps the button for Logout.
    await page.locator('.auth-container').first().locator('button:has-text("Logout")').waitFor();
    await page.locator('.modal-ux').getByRole('button', { name: 'Close' }).first().click();
    expect(await tryItOut(page, 'listFeatures')).toBe('200');
    await page.close();
  });

  it('authorizes with authorization code + PKCE through our sign-in page and calls the API as the user', async () => {
    const tenant = await testApp.app.get(TenantsService).create({ slug: 'acme', name: 'Acme Corp' });
    await testApp.app.get(UsersService).create(tenant, { email: 'ops@acme.test', password: PASSWORD });
    const { client } = await testApp.app.get(ClientsService).create({
      name: 'swagger for acme',
      tenantSlug: 'acme',
      public: true,
      grantTypes: ['authorization_code'],
      scopes: ['openid features:read'],
      redirectUris: [`${testApp.baseUrl}/docs/oauth2-redirect.html`],
    });
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${testApp.baseUrl}/docs`);
    await page.getByRole('button', { name: 'Authorize' }).first().click();
    const section = page.locator('.auth-container').nth(1);
    await page.fill('#client_id_authorizationCode', client.clientId);
    await page.locator('label[for="openid-authorizationCode-checkbox-authorization-code"]').click();
    await page.locator('label[for="features:read-authorizationCode-checkbox-authorization-code"]').click();
    const [popup] = await Promise.all([
      context.waitForEvent('page'),
      section.getByRole('button', { name: 'Apply given OAuth2 credentials' }).click(),
    ]);
    await submitLogin(popup, 'ops@acme.test', PASSWORD);
    await popup.getByRole('button', { name: 'Allow' }).click();
    await section.locator('button:has-text("Logout")').waitFor();
    await page.locator('.modal-ux').getByRole('button', { name: 'Close' }).first().click();
    expect(await tryItOut(page, 'listMyFeatures')).toBe('200');
    await context.close();
  });
});
