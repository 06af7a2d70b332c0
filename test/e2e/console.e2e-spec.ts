import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { runCli } from '../../src/cli/run-cli.js';
import { ConsoleSessionsService } from '../../src/console/console-sessions.service.js';
import { ClientsService } from '../../src/oidc/clients.service.js';
import { OperatorsService } from '../../src/operators/operators.service.js';
import { TenantsService } from '../../src/tenants/tenants.service.js';
import { UsersService } from '../../src/users/users.service.js';
import { launchBrowser } from '../support/browser.js';
import { startTestApp, TEST_SECRET_KEY, type TestApp } from '../support/test-app.js';

// The browser's globals that the functions given to page.evaluate use (they run in the page; the project has no DOM lib).
interface PageElement {
  id: string;
  getAttribute(name: string): string | null;
}
declare const window: object;
declare const document: {
  activeElement: PageElement | null;
  cookie: string;
  documentElement: { scrollWidth: number; clientWidth: number };
  querySelector(selector: string): PageElement | null;
};
declare const localStorage: { length: number };
declare const sessionStorage: { length: number };
type Document = typeof document;

const PASSWORD = 'a long enough console passphrase';
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const JWT = /eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}/;

interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: { target: string[] }[];
}

/** The console end to end in Chromium: operators, roles, a tenant's admin, live updates, accessibility and the BFF's promises. */
describe('admin console', () => {
  let testApp: TestApp;
  let browser: Browser;
  /** Every console HTML page and script the browsers received, to look for tokens in. */
  const received: { url: string; body: string }[] = [];
  const contexts: BrowserContext[] = [];

  async function cli(stdin: string, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, {
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
      readStdin: () => Promise.resolve(stdin),
      env: { ...testApp.database.env, SECRET_KEY: TEST_SECRET_KEY, PUBLIC_URL: testApp.baseUrl, LOG_LEVEL: 'warn' },
    });
    return { code, stdout, stderr };
  }

  async function newContext(options: { bypassCSP?: boolean } = {}): Promise<BrowserContext> {
    const context = await browser.newContext(options);
    contexts.push(context);
    context.on('response', (response: Response) => {
      const url = response.url();
      const type = response.headers()['content-type'] ?? '';
      if (!url.startsWith(testApp.baseUrl) || (response.status() >= 300 && response.status() < 400)) return;
      if (type.startsWith('text/html') || type.startsWith('text/javascript') || type.startsWith('application/json')) {
        response.text().then(
          (body) => received.push({ url, body }),
          () => undefined,
        );
      }
    });
    return context;
  }

  /** Through our sign-in page, as a person does it. */
  async function signIn(page: Page, email: string, organisation = ''): Promise<void> {
    await page.goto(`${testApp.baseUrl}/console`);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.waitForURL(/\/interaction\//);
    if (organisation) await page.getByLabel(/^Organisation/).fill(organisation);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/console\/tenants/);
  }

  async function sessionOf(context: BrowserContext) {
    const cookie = (await context.cookies()).find((candidate) => candidate.name === 'tenantry_console');
    const session = await testApp.app.get(ConsoleSessionsService).find(cookie?.value);
    if (!session) throw new Error('no console session in this browser context');
    return session;
  }

  async function seriousViolations(page: Page): Promise<string[]> {
    await page.addScriptTag({ content: axeSource });
    const violations = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: (context: Document) => Promise<{ violations: AxeViolation[] }> } }).axe;
      return (await axe.run(document)).violations;
    });
    return violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => `${violation.id} at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  }

  async function stateOf(page: Page, key: string): Promise<string | null> {
    return page.locator(`tr[data-flag="${key}"] [data-state]`).getAttribute('data-state');
  }

  beforeAll(async () => {
    testApp = await startTestApp();
    browser = await launchBrowser();
    const created = await cli(
      `${PASSWORD}\n`,
      'operators:create',
      '--email',
      'first@ops.test',
      '--role',
      'admin',
      '--password-stdin',
      '--json',
    );
    expect(created).toMatchObject({ code: 0 });
    expect(JSON.parse(created.stdout)).toMatchObject({ email: 'first@ops.test', role: 'admin' });
    const operators = testApp.app.get(OperatorsService);
    await operators.create({ email: 'second@ops.test', role: 'admin', password: PASSWORD });
    await operators.create({ email: 'editor@ops.test', role: 'editor', password: PASSWORD });
    await operators.create({ email: 'viewer@ops.test', role: 'viewer', password: PASSWORD });
  }, 60_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await testApp?.close();
  });

  it('lists the operators the CLI created', async () => {
    const listed = await cli('', 'operators:list', '--json');
    expect(listed.code).toBe(0);
    const items = (JSON.parse(listed.stdout) as { items: { email: string; role: string }[] }).items;
    expect(items.map((item) => `${item.email}:${item.role}`)).toEqual([
      'editor@ops.test:editor',
      'first@ops.test:admin',
      'second@ops.test:admin',
      'viewer@ops.test:viewer',
    ]);
  });

  let first: Page;
  let second: Page;

  it('the first operator signs in, creates a tenant and a flag; another operator sees the toggle live; the audit trail names the first', async () => {
    first = await (await newContext()).newPage();
    await signIn(first, 'first@ops.test');
    expect(first.url()).toBe(`${testApp.baseUrl}/console/tenants`);
    await first.getByText('No tenants yet').waitFor();

    await first.getByLabel('Slug', { exact: true }).fill('acme');
    await first.getByLabel('Name', { exact: true }).fill('Acme Corporation');
    await first.getByLabel('Placement', { exact: true }).last().selectOption('pooled');
    await first.getByRole('button', { name: 'Create tenant' }).click();
    await first.waitForURL(`${testApp.baseUrl}/console/tenants/acme/flags?*`);
    await first.getByText('Tenant acme created.').waitFor();
    expect((await testApp.app.get(TenantsService).findBySlug('acme'))?.placement).toBe('pooled');

    await first.getByRole('link', { name: 'Flag catalogue' }).click();
    await first.getByLabel('Key').fill('new-dashboard');
    await first.getByLabel('Description').fill('The redesigned dashboard');
    await first.getByRole('button', { name: 'Create flag' }).click();
    await first.getByText('Flag new-dashboard added to the catalogue.').waitFor();

    second = await (await newContext()).newPage();
    await signIn(second, 'second@ops.test');
    await second.goto(`${testApp.baseUrl}/console/tenants/acme/flags`);
    expect(await stateOf(second, 'new-dashboard')).toBe('off');
    await second.locator('#flag-rows[data-streaming="yes"]').waitFor();
    await second.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

    // Keyboard only: tab to the toggle, Enter opens the confirm dialog, Enter confirms.
    await first.goto(`${testApp.baseUrl}/console/tenants/acme/flags`);
    const toggle = first.locator('#toggle-new-dashboard');
    for (let presses = 0; presses < 40 && !(await toggle.evaluate((element) => element === document.activeElement)); presses++) {
      await first.keyboard.press('Tab');
    }
    expect(await toggle.evaluate((element) => element === document.activeElement)).toBe(true);
    await first.keyboard.press('Enter');
    const dialog = first.locator('#confirm-dialog');
    await dialog.waitFor({ state: 'visible' });
    expect(await first.locator('#confirm-message').textContent()).toBe('Turn on new-dashboard for acme?');
    expect(await first.evaluate(() => document.activeElement?.id)).toBe('confirm-ok');
    await first.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await toggle.evaluate((element) => element === document.activeElement)).toBe(true);
    expect(await stateOf(first, 'new-dashboard')).toBe('off');
    await first.keyboard.press('Enter');
    await dialog.waitFor({ state: 'visible' });
    await Promise.all([first.waitForNavigation(), first.keyboard.press('Enter')]);
    expect(await stateOf(first, 'new-dashboard')).toBe('on');

    await second.waitForFunction(
      () => document.querySelector('tr[data-flag="new-dashboard"] [data-state]')?.getAttribute('data-state') === 'on',
    );
    expect(await second.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);

    await first.getByRole('link', { name: 'Audit trail' }).click();
    const row = first.locator('#audit-rows tr').first();
    expect(await row.locator('[data-actor]').textContent()).toBe('first@ops.test');
    expect(await row.locator('td').nth(2).textContent()).toBe('new-dashboard');
    expect(await row.locator('td').nth(3).textContent()).toBe('catalogue default → on');
  });

  it('when its change stream ends, opens a new one and reads the rows once: a change made in between shows without a reload', async () => {
    const page = await (await newContext()).newPage();
    await signIn(page, 'second@ops.test');
    // The first stream is refused as an expired ticket's reconnect is; the console asks for a new ticket 5 s later.
    let streams = 0;
    let markRefused = (): void => undefined;
    let markReopened = (): void => undefined;
    const refused = new Promise<void>((resolve) => (markRefused = resolve));
    const reopened = new Promise<void>((resolve) => (markReopened = resolve));
    await page.route(/\/feature-events\?/, async (route) => {
      streams += 1;
      if (streams > 1) {
        markReopened();
        return route.continue();
      }
      await route.fulfill({ status: 401, contentType: 'application/problem+json', body: '{"title":"Unauthorized","status":401}' });
      markRefused();
    });
    await page.goto(`${testApp.baseUrl}/console/tenants/acme/flags`);
    expect(await stateOf(page, 'new-dashboard')).toBe('on');
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    await refused;

    // While no stream is open (so no event will tell of it; the next ticket starts after it), the flag changes
    // through the API. The same process, so its caches follow at once on either database (a CLI run beside an
    // embedded database is seen only within the cache TTL: cache-invalidation.e2e-spec).
    const { tokens } = await sessionOf(page.context());
    const toggle = (action: 'enable' | 'disable') =>
      fetch(`${testApp.baseUrl}/api/v1/tenants/acme/features/new-dashboard/${action}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${tokens.accessToken}` },
      });
    expect((await toggle('disable')).status).toBe(200);
    try {
      await reopened;
      await page.waitForFunction(
        () => document.querySelector('tr[data-flag="new-dashboard"] [data-state]')?.getAttribute('data-state') === 'off',
        undefined,
        { timeout: 15_000 },
      );
      expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
      expect(streams).toBe(2);
    } finally {
      // The tests below start from the flag on.
      expect((await toggle('enable')).status).toBe(200);
    }
  }, 30_000);

  it('an editor toggles flags but cannot delete a tenant, in the page or through the API', async () => {
    const context = await newContext();
    const page = await context.newPage();
    await signIn(page, 'editor@ops.test');
    expect(await page.getByRole('link', { name: /^Delete/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Create tenant' }).count()).toBe(0);

    await page.goto(`${testApp.baseUrl}/console/tenants/acme/flags`);
    await page.locator('#toggle-new-dashboard').click();
    await Promise.all([page.waitForNavigation(), page.locator('#confirm-ok').click()]);
    expect(await stateOf(page, 'new-dashboard')).toBe('off');

    const refused = await page.goto(`${testApp.baseUrl}/console/tenants/acme/delete`);
    expect(refused?.status()).toBe(403);
    const session = await sessionOf(context);
    const status = await page.evaluate(async (csrf) => {
      const response = await fetch('/console/tenants/acme/delete', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrf, confirm: 'acme' }),
      });
      return response.status;
    }, session.csrfToken);
    expect(status).toBe(403);
    expect((await testApp.app.get(TenantsService).findBySlug('acme'))?.status).toBe('active');
  });

  it('a viewer sees no change controls, and the API refuses the viewer’s own token', async () => {
    const context = await newContext();
    const page = await context.newPage();
    await signIn(page, 'viewer@ops.test');
    const changeForms = 'main form[method="post"]';
    expect(await page.locator(changeForms).count()).toBe(0);
    for (const path of [
      '/console/tenants/acme/flags',
      '/console/tenants/acme/flags/new-dashboard',
      '/console/flags',
      '/console/tenants/acme/users',
    ]) {
      await page.goto(`${testApp.baseUrl}${path}`);
      expect(await page.locator(changeForms).count()).toBe(0);
      expect(await page.locator('main button').count()).toBe(0);
    }
    expect(await page.locator('#flag-enabled').count()).toBe(0);
    await page.goto(`${testApp.baseUrl}/console/tenants/acme/flags/new-dashboard`);
    expect(await page.locator('#flag-enabled').isDisabled()).toBe(true);

    const { tokens } = await sessionOf(context);
    const response = await fetch(`${testApp.baseUrl}/api/v1/tenants/acme/features/new-dashboard/enable`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${tokens.accessToken}` },
    });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { detail: string }).detail).toBe('The access token lacks the scope(s): features:write.');
    const read = await fetch(`${testApp.baseUrl}/api/v1/tenants/acme/features`, {
      headers: { Authorization: `Bearer ${tokens.accessToken}` },
    });
    expect(read.status).toBe(200);
  });

  it('a tenant admin of acme sees only acme; globex’s pages are 404; a member of acme is refused', async () => {
    const tenants = testApp.app.get(TenantsService);
    const users = testApp.app.get(UsersService);
    const acme = (await tenants.findBySlug('acme'))!;
    const globex = await tenants.create({ slug: 'globex', name: 'Globex' });
    await users.create(acme, { email: 'admin@acme.test', password: PASSWORD, role: 'admin' });
    await users.create(acme, { email: 'member@acme.test', password: PASSWORD });
    await users.create(globex, { email: 'admin@globex.test', password: PASSWORD, role: 'admin' });

    const member = await (await newContext()).newPage();
    await member.goto(`${testApp.baseUrl}/console/login`);
    await member.getByLabel(/^Organisation/).fill('acme');
    await member.getByLabel('Email').fill('member@acme.test');
    await member.getByLabel('Password').fill(PASSWORD);
    const [refusal] = await Promise.all([
      member.waitForResponse(/\/interaction\/.*\/login$/),
      member.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    expect(refusal.status()).toBe(403);
    await member.getByText('member@acme.test is not an administrator of Acme Corporation').waitFor();

    const context = await newContext();
    const page = await context.newPage();
    await signIn(page, 'admin@acme.test', 'acme');
    expect(page.url()).toBe(`${testApp.baseUrl}/console/tenants/acme/flags`);
    expect(await page.getByRole('link', { name: 'Tenants' }).count()).toBe(0);
    expect(await page.locator('#toggle-new-dashboard').count()).toBe(0);
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByText('admin@acme.test').first().waitFor();
    expect(await page.getByText('admin@globex.test').count()).toBe(0);

    for (const path of ['flags', 'flags/new-dashboard', 'audit', 'users', 'clients']) {
      const response = await page.goto(`${testApp.baseUrl}/console/tenants/globex/${path}`);
      expect(`${path}: ${response?.status()}`).toBe(`${path}: 404`);
    }
    expect((await page.goto(`${testApp.baseUrl}/console/tenants`))?.status()).toBe(403);
    const { tokens, person } = await sessionOf(context);
    expect(person).toMatchObject({ kind: 'tenant-admin', tenantSlug: 'acme' });
    const direct = await fetch(`${testApp.baseUrl}/api/v1/tenants/globex/users`, {
      headers: { Authorization: `Bearer ${tokens.accessToken}` },
    });
    expect(direct.status).toBe(404);
    for (const tenantSlug of ['acme', 'globex']) {
      await testApp.app
        .get(ClientsService)
        .create({ name: `${tenantSlug} worker`, tenantSlug, grantTypes: ['client_credentials'], scopes: ['features:read'] });
    }
    const clients = await fetch(`${testApp.baseUrl}/api/v1/clients`, { headers: { Authorization: `Bearer ${tokens.accessToken}` } });
    expect(clients.status).toBe(200);
    expect(((await clients.json()) as { items: { tenant: string }[] }).items.map((client) => client.tenant)).toEqual(['acme']);

    // The platform lets acme's admins toggle: their next sign-in carries features:write.
    await first.goto(`${testApp.baseUrl}/console/tenants/acme/flags`);
    await first.getByLabel('This tenant’s admins may toggle its flags').check();
    await first.getByRole('button', { name: 'Save settings' }).click();
    await first.getByText('Settings of acme saved.').waitFor();
    const again = await (await newContext()).newPage();
    await signIn(again, 'admin@acme.test', 'acme');
    await again.locator('#toggle-new-dashboard').click();
    await Promise.all([again.waitForNavigation(), again.locator('#confirm-ok').click()]);
    expect(await stateOf(again, 'new-dashboard')).toBe('on');
    await again.goto(`${testApp.baseUrl}/console/tenants/acme/audit`);
    expect(await again.locator('#audit-rows tr').first().locator('[data-actor]').textContent()).toBe('admin@acme.test');
  });

  it('shows validation in the flag form, and on a conflict shows theirs and keeps yours', async () => {
    await first.goto(`${testApp.baseUrl}/console/tenants/acme/flags/new-dashboard`);
    await first.getByLabel('Targeting rules (JSON list)').fill('[{"attribute": "plan",');
    await first.getByRole('button', { name: 'Save flag' }).click();
    await first.locator('.field-errors').getByText('must be valid JSON (a list of rules)').waitFor();
    expect(await first.getByLabel('Targeting rules (JSON list)').inputValue()).toBe('[{"attribute": "plan",');

    await first
      .getByLabel('Targeting rules (JSON list)')
      .fill('[{"when": {"attribute": "plan", "op": "sounds_like", "value": "pro"}, "variant": "on"}]');
    const [refused] = await Promise.all([
      first.waitForResponse((response) => response.request().method() === 'POST'),
      first.getByRole('button', { name: 'Save flag' }).click(),
    ]);
    expect(refused.status()).toBe(400);
    await first.locator('.error').waitFor();

    await first.goto(`${testApp.baseUrl}/console/tenants/acme/flags/new-dashboard`);
    await first.getByLabel('on', { exact: true }).fill('25');
    await first.getByLabel('off', { exact: true }).fill('75');
    // Someone else changes the flag while the form is open.
    const other = await sessionOf(second.context());
    const theirs = await fetch(`${testApp.baseUrl}/api/v1/tenants/acme/features/new-dashboard/disable`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${other.tokens.accessToken}` },
    });
    expect(theirs.status).toBe(200);
    const [conflict] = await Promise.all([
      first.waitForResponse((response) => response.request().method() === 'POST'),
      first.getByRole('button', { name: 'Save flag' }).click(),
    ]);
    expect(conflict.status()).toBe(412);
    await first.getByRole('heading', { name: 'Someone changed this flag since you opened it' }).waitFor();
    expect(await first.getByLabel('on', { exact: true }).inputValue()).toBe('25');
    expect(await first.locator('.conflict pre').textContent()).toContain('"enabled": false');
    await Promise.all([first.waitForURL(/\/flags\?notice=flag-saved/), first.getByRole('button', { name: 'Save flag' }).click()]);
    await first.getByText('Flag new-dashboard saved.').waitFor();
    expect(await first.locator('tr[data-flag="new-dashboard"]').getByText('rollout on 25 / off 75').count()).toBe(1);
    const saved = await (
      await fetch(`${testApp.baseUrl}/api/v1/tenants/acme/features/new-dashboard`, {
        headers: { Authorization: `Bearer ${other.tokens.accessToken}` },
      })
    ).json();
    expect(saved).toMatchObject({
      enabled: true,
      rollout: [
        { variant: 'on', weight: 25 },
        { variant: 'off', weight: 75 },
      ],
    });
  });

  it('manages segments, and a rule that names one', async () => {
    await first.goto(`${testApp.baseUrl}/console/tenants/acme/segments`);
    await first.getByLabel('Key').fill('pro-plans');
    await first.getByLabel('Description').fill('Paying customers');
    await first.getByLabel('Condition (JSON)').fill('{"attribute": "plan", "op": "in", "value": ["pro", "enterprise"]');
    await first.getByRole('button', { name: 'Save segment' }).click();
    await first.locator('.field-errors').getByText('must be valid JSON (a condition)').waitFor();
    await first.getByLabel('Condition (JSON)').fill('{"attribute": "plan", "op": "in", "value": ["pro", "enterprise"]}');
    await first.getByRole('button', { name: 'Save segment' }).click();
    await first.getByText('Segment pro-plans saved.').waitFor();

    await first.goto(`${testApp.baseUrl}/console/tenants/acme/flags/new-dashboard`);
    await first.getByLabel('Targeting rules (JSON list)').fill('[{"name": "pros", "when": {"segment": "pro-plans"}, "variant": "on"}]');
    await Promise.all([first.waitForURL(/notice=flag-saved/), first.getByRole('button', { name: 'Save flag' }).click()]);
    expect(await first.locator('tr[data-flag="new-dashboard"]').getByText('1 rule').count()).toBe(1);

    await first.goto(`${testApp.baseUrl}/console/tenants/acme/segments`);
    await first.getByRole('button', { name: 'Delete segment pro-plans' }).click();
    const [inUse] = await Promise.all([
      first.waitForResponse((response) => response.request().method() === 'POST'),
      first.locator('#confirm-ok').click(),
    ]);
    expect(inUse.status()).toBe(409);
    await first
      .getByRole('cell', { name: /pro-plans/ })
      .first()
      .waitFor();
  });

  it('refreshes an expired access token with the refresh token, on the server', async () => {
    const sessions = testApp.app.get(ConsoleSessionsService);
    const session = await sessionOf(first.context());
    await sessions.saveTokens(session, session.tokens, new Date(Date.now() - 1000));
    const response = await first.goto(`${testApp.baseUrl}/console/tenants`);
    expect(response?.status()).toBe(200);
    const refreshed = await sessionOf(first.context());
    expect(refreshed.tokens.accessToken).not.toBe(session.tokens.accessToken);
    expect(refreshed.tokens.refreshToken).not.toBe(session.tokens.refreshToken);
    expect(refreshed.accessExpiresAt.getTime()).toBeGreaterThan(Date.now());
  });

  it('signs out: the session ends here and at the issuer', async () => {
    const context = await newContext();
    const page = await context.newPage();
    await signIn(page, 'second@ops.test');
    const cookie = (await context.cookies()).find((candidate) => candidate.name === 'tenantry_console')!;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/oidc\/session\/end/);
    await page
      .getByRole('button', { name: /sign out|yes/i })
      .first()
      .click();
    await page.waitForURL(`${testApp.baseUrl}/console`);
    expect(await testApp.app.get(ConsoleSessionsService).find(cookie.value)).toBeUndefined();
    expect((await context.cookies()).find((candidate) => candidate.name === 'tenantry_console')).toBeUndefined();
    expect((await page.goto(`${testApp.baseUrl}/console/tenants`))?.url()).toMatch(/\/interaction\//);
  });

  it('throttles and then locks an operator’s sign-in, as for tenant users', async () => {
    await testApp.app.get(OperatorsService).create({ email: 'target@ops.test', role: 'viewer', password: PASSWORD });
    const page = await (await newContext()).newPage();
    await page.goto(`${testApp.baseUrl}/console/login`);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 11; attempt++) {
      await page.getByLabel('Email').fill('target@ops.test');
      await page.getByLabel('Password').fill(attempt === 10 ? PASSWORD : 'not the password at all');
      const [answer] = await Promise.all([
        page.waitForResponse(/\/interaction\/.*\/login$/),
        page.getByRole('button', { name: 'Sign in' }).click(),
      ]);
      statuses.push(answer.status());
    }
    // Ten failures lock the account for a while: even the right password is refused then.
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 401, 401, 401, 429, 429]);
    await page.getByText(/Too many failed sign-in attempts/).waitFor();
  }, 60_000);

  it('keeps the session in an HttpOnly, SameSite cookie and refuses a change without the CSRF token or from another origin', async () => {
    const context = first.context();
    const cookie = (await context.cookies()).find((candidate) => candidate.name === 'tenantry_console')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/console', secure: false });
    const session = await sessionOf(context);

    const withoutToken = await first.evaluate(async () => {
      const response = await fetch('/console/tenants/acme/suspend', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({}),
      });
      return response.status;
    });
    expect(withoutToken).toBe(403);
    const crossOrigin = await fetch(`${testApp.baseUrl}/console/tenants/acme/suspend`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        Cookie: `tenantry_console=${cookie.value}`,
        Origin: 'http://evil.test',
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ _csrf: session.csrfToken }).toString(),
    });
    expect(crossOrigin.status).toBe(403);
    expect((await testApp.app.get(TenantsService).findBySlug('acme'))?.status).toBe('active');
  });

  it('reports no serious or critical accessibility violation on any screen', async () => {
    // axe is injected as an inline script, which the console's CSP refuses: this context alone lets it in.
    const context = await newContext({ bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${testApp.baseUrl}/console`);
    const problems: string[] = (await seriousViolations(page)).map((problem) => `signed out: ${problem}`);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.waitForURL(/\/interaction\//);
    problems.push(...(await seriousViolations(page)).map((problem) => `sign-in: ${problem}`));
    await page.getByLabel('Email').fill('first@ops.test');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/console\/tenants/);

    const screens = [
      '/console/tenants',
      '/console/tenants/acme/flags',
      '/console/tenants/acme/flags/new-dashboard',
      '/console/tenants/acme/audit',
      '/console/tenants/acme/segments',
      '/console/tenants/acme/users',
      '/console/tenants/acme/clients',
      '/console/tenants/acme/delete',
      '/console/flags',
      '/console/flags/new-dashboard',
      '/console/operators',
    ];
    for (const screen of screens) {
      await page.goto(`${testApp.baseUrl}${screen}`);
      problems.push(...(await seriousViolations(page)).map((problem) => `${screen}: ${problem}`));
    }
    await page.goto(`${testApp.baseUrl}/console/tenants/acme/clients`);
    await page.getByLabel('Name', { exact: true }).fill('acme back-office');
    await page.getByRole('button', { name: 'Register client' }).click();
    await page.locator('#client-secret').waitFor();
    problems.push(...(await seriousViolations(page)).map((problem) => `client secret: ${problem}`));
    // A narrow window (or 200% zoom of a 720 px one): no page-wide horizontal scrolling; wide tables scroll inside their frame.
    await page.setViewportSize({ width: 360, height: 740 });
    for (const screen of [
      '/console/tenants',
      '/console/tenants/acme/flags',
      '/console/tenants/acme/flags/new-dashboard',
      '/console/operators',
    ]) {
      await page.goto(`${testApp.baseUrl}${screen}`);
      const width = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        client: document.documentElement.clientWidth,
      }));
      expect(`${screen}: ${width.scroll <= width.client}`).toBe(`${screen}: true`);
      problems.push(...(await seriousViolations(page)).map((problem) => `narrow ${screen}: ${problem}`));
    }
    expect(problems).toEqual([]);
  });

  it('never lets a token reach the browser: not in pages, scripts, JSON it reads or storage', async () => {
    const sessions = await Promise.all([first.context(), second.context()].map((context) => sessionOf(context)));
    const secrets = sessions.flatMap((session) => [session.tokens.accessToken, session.tokens.refreshToken, session.tokens.idToken]);
    expect(secrets.every((secret) => typeof secret === 'string' && secret.length > 20)).toBe(true);
    await first.goto(`${testApp.baseUrl}/console/tenants/acme/flags`);
    expect(received.length).toBeGreaterThan(20);
    for (const { url, body } of received) {
      expect(`${url}: ${JWT.test(body)}`).toBe(`${url}: false`);
      for (const secret of secrets) expect(body.includes(secret!)).toBe(false);
    }
    const storage = await first.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie }));
    expect(storage).toEqual({ local: 0, session: 0, cookie: '' });
  });

  it('transfers under 250 KB (compressed) on the first load of /console', async () => {
    const context = await newContext();
    const page = await context.newPage();
    await signIn(page, 'first@ops.test');
    await page.close();
    const measured = await context.newPage();
    const cdp = await context.newCDPSession(measured);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    let bytes = 0;
    cdp.on('Network.loadingFinished', (event: { encodedDataLength: number }) => (bytes += event.encodedDataLength));
    await measured.goto(`${testApp.baseUrl}/console`, { waitUntil: 'networkidle' });
    expect(measured.url()).toBe(`${testApp.baseUrl}/console/tenants`);
    expect(bytes).toBeGreaterThan(1_000);
    expect(bytes).toBeLessThan(250 * 1024);
    process.stdout.write(`console first load: ${bytes} bytes over the wire\n`);
  });
});
