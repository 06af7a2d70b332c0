// Screenshots of the console's main screens for the README, taken from the running app so
// they stay current: `npm run build && node scripts/console-screenshots.mjs`.
// Starts the built app on DATABASE_URL when set (a scratch database must be given: it seeds it),
// else on a fresh embedded database in a temporary DATA_DIR; seeds a few tenants, flags and
// operators; signs in through the sign-in page in Chromium; writes docs/console/*.png.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { createApp } from '../dist/app.factory.js';
import { loadConfig } from '../dist/config/app-config.js';
import { FeaturesService } from '../dist/features/features.service.js';
import { OperatorsService } from '../dist/operators/operators.service.js';
import { TenantsService } from '../dist/tenants/tenants.service.js';
import { UsersService } from '../dist/users/users.service.js';

const PORT = Number(process.env.SCREENSHOT_PORT ?? 3917);
const PASSWORD = 'screenshots only, not a real password';
const output = 'docs/console';
const dataDir = process.env.DATABASE_URL ? undefined : mkdtempSync(join(tmpdir(), 'tenantry-screens-'));

const config = loadConfig({
  ...process.env,
  ...(dataDir ? { DATA_DIR: dataDir } : {}),
  PORT: String(PORT),
  PUBLIC_URL: `http://127.0.0.1:${PORT}`,
  SECRET_KEY: process.env.SECRET_KEY ?? 'screenshot-secret-key-that-is-long-enough-0123',
  LOG_LEVEL: 'warn',
});
const app = await createApp(config);
await app.listen({ port: PORT, host: '127.0.0.1' });
const base = config.server.publicUrl;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
try {
  const tenants = app.get(TenantsService);
  const features = app.get(FeaturesService);
  await app.get(OperatorsService).create({ email: 'ada@ops.example', role: 'admin', password: PASSWORD });
  await app.get(OperatorsService).create({ email: 'grace@ops.example', role: 'editor', password: PASSWORD });
  await app.get(OperatorsService).create({ email: 'linus@ops.example', role: 'viewer', password: PASSWORD });
  await features.createFeature({ key: 'new-dashboard', description: 'The redesigned dashboard', defaultEnabled: false });
  await features.createFeature({ key: 'checkout-v2', description: 'The one-page checkout', defaultEnabled: true });
  await features.createFeature({
    key: 'theme',
    description: 'Colour theme',
    type: 'string',
    variants: { light: 'light', dark: 'dark', contrast: 'high-contrast' },
    defaultVariant: 'dark',
    offVariant: 'light',
    metadata: { owner: 'design' },
  });
  for (const [slug, name, placement] of [
    ['acme', 'Acme Corporation', 'isolated'],
    ['globex', 'Globex', 'pooled'],
    ['initech', 'Initech', 'pooled'],
  ]) {
    const tenant = await tenants.create({ slug, name, placement });
    await app.get(UsersService).create(tenant, { email: `admin@${slug}.example`, password: PASSWORD, role: 'admin' });
  }
  await tenants.suspend('initech');

  const context = await browser.newContext({ viewport: { width: 1200, height: 760 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  mkdirSync(output, { recursive: true });
  const shot = async (name) => page.screenshot({ path: `${output}/${name}.png`, fullPage: true });

  await page.goto(`${base}/console/login`);
  await shot('sign-in');
  await page.getByLabel('Email').fill('ada@ops.example');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/console\/tenants/);
  await shot('tenants');
  await page.goto(`${base}/console/tenants/acme/flags`);
  await page.locator('#toggle-new-dashboard').click();
  await Promise.all([page.waitForNavigation(), page.locator('#confirm-ok').click()]);
  await page.locator('#toggle-new-dashboard').click();
  await shot('flag-confirm');
  await page.keyboard.press('Escape');
  await shot('tenant-flags');
  await page.goto(`${base}/console/tenants/acme/flags/theme`);
  await page.getByLabel('On for acme').check();
  await page.getByLabel('dark', { exact: true }).fill('80');
  await page.getByLabel('contrast', { exact: true }).fill('20');
  await page
    .getByLabel('Targeting rules (JSON list)')
    .fill('[{"name": "accessibility", "when": {"attribute": "prefersContrast", "op": "eq", "value": true}, "variant": "contrast"}]');
  await shot('flag-form');
  await Promise.all([page.waitForURL(/notice=flag-saved/), page.getByRole('button', { name: 'Save flag' }).click()]);
  await page.goto(`${base}/console/tenants/acme/audit`);
  await shot('audit-trail');
  await page.goto(`${base}/console/flags`);
  await shot('flag-catalogue');
  await page.goto(`${base}/console/tenants/acme/users`);
  await shot('tenant-users');
  await page.goto(`${base}/console/operators`);
  await shot('operators');
  await page.setViewportSize({ width: 390, height: 800 });
  await page.goto(`${base}/console/tenants/acme/flags`);
  await shot('narrow-flags');
  process.stdout.write(`wrote ${output}/*.png\n`);
} finally {
  await browser.close();
  await app.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
