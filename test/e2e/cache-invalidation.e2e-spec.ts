import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { runCli } from '../../src/cli/run-cli.js';
import { ClientsService } from '../../src/oidc/clients.service.js';
import { api, clientWithToken, type TestClient } from '../support/api.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestApp, TEST_SECRET_KEY, type TestApp } from '../support/test-app.js';

/** Polls until check passes; returns how long it took. */
async function within(limitMs: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > limitMs) throw new Error(`not seen within ${limitMs} ms`);
    await sleep(50);
  }
  return Date.now() - started;
}

describe('in-memory caches follow changes made elsewhere', () => {
  let database: TestDatabase;
  let first: TestApp;
  let admin: TestClient;

  beforeAll(async () => {
    database = await createTestDatabase();
    first = await startTestApp({}, database);
    admin = await clientWithToken(first, first.app.get(ClientsService));
    await api(first, admin.token).post('/api/v1/tenants', { slug: 'acme' }).expect(201);
    await api(first, admin.token).post('/api/v1/features', { key: 'beta' }).expect(201);
  });

  afterAll(async () => {
    await first.close();
    await database.drop();
  });

  const flagOn = async (testApp: TestApp, token: string): Promise<boolean> => {
    const response = await api(testApp, token).get('/api/v1/tenants/acme/features').expect(200);
    return response.body.items[0].enabled === true;
  };

  it('sees a flag toggled and a client deleted elsewhere: at once via NOTIFY on a server, within the TTL on the embedded database', async () => {
    if (database.kind === 'server') {
      // A second instance behind the same PUBLIC_URL, as in a real deployment.
      const second = await startTestApp({ PUBLIC_URL: first.baseUrl }, database);
      try {
        expect(await flagOn(second, admin.token)).toBe(false); // warms the second instance's caches
        await api(first, admin.token).put('/api/v1/tenants/acme/features/beta', { enabled: true }).expect(200);
        expect(await within(2_000, () => flagOn(second, admin.token))).toBeLessThan(2_000);

        const doomed = await clientWithToken(first, first.app.get(ClientsService), { scopes: ['features:read'] });
        await api(second, doomed.token).get('/api/v1/tenants/acme/features').expect(200);
        await api(first, admin.token).delete(`/api/v1/clients/${doomed.clientId}`).expect(204);
        await within(2_000, async () => (await api(second, doomed.token).get('/api/v1/tenants/acme/features')).status === 401);
      } finally {
        await second.close();
      }
      return;
    }
    // Embedded: PGlite's single backend delivers no notification to another
    // process, so a change made by the CLI beside the server shows within the TTL.
    expect(await flagOn(first, admin.token)).toBe(false);
    const env = { ...database.env, SECRET_KEY: TEST_SECRET_KEY, LOG_LEVEL: 'warn' };
    const doomed = await clientWithToken(first, first.app.get(ClientsService), { scopes: ['features:read'] });
    await api(first, doomed.token).get('/api/v1/tenants/acme/features').expect(200);
    const code = await runCli(['clients:delete', doomed.clientId], { stdout: () => undefined, stderr: () => undefined, env });
    expect(code).toBe(0);
    const waited = await within(12_000, async () => (await api(first, doomed.token).get('/api/v1/tenants/acme/features')).status === 401);
    expect(waited).toBeLessThanOrEqual(12_000);
  });

  it('follows a segment changed elsewhere in flag answers: at once via NOTIFY on a server, within the TTL on the embedded database', async () => {
    const tenant = await clientWithToken(first, first.app.get(ClientsService), { tenantSlug: 'acme', scopes: ['features:read'] });
    const staff = { attribute: 'email', op: 'ends_with', value: '@acme.test' };
    await api(first, admin.token).put('/api/v1/tenants/acme/segments/staff', { when: staff }).expect(201);
    await api(first, admin.token)
      .put('/api/v1/tenants/acme/features/beta', { enabled: true, rules: [{ when: { segment: 'staff' }, variant: 'off' }] })
      .expect(200);
    const variantFor = async (testApp: TestApp): Promise<string> =>
      (
        await request(testApp.url)
          .post('/ofrep/v1/evaluate/flags/beta')
          .set('Authorization', `Bearer ${tenant.token}`)
          .send({ context: { email: 'ann@acme.test' } })
          .expect(200)
      ).body.variant as string;
    const elsewhere = { when: { attribute: 'email', op: 'ends_with', value: '@elsewhere.test' } };
    if (database.kind === 'server') {
      const second = await startTestApp({ PUBLIC_URL: first.baseUrl }, database);
      try {
        expect(await variantFor(second)).toBe('off'); // warms the second instance's flags
        await api(first, admin.token).put('/api/v1/tenants/acme/segments/staff', elsewhere).expect(200);
        expect(await within(2_000, async () => (await variantFor(second)) === 'on')).toBeLessThan(2_000);
      } finally {
        await second.close();
      }
      return;
    }
    expect(await variantFor(first)).toBe('off');
    const env = { ...database.env, SECRET_KEY: TEST_SECRET_KEY, LOG_LEVEL: 'warn' };
    const code = await runCli(['segments:set', 'acme', 'staff', '--when', JSON.stringify(elsewhere.when)], {
      stdout: () => undefined,
      stderr: () => undefined,
      env,
    });
    expect(code).toBe(0);
    expect(await within(12_000, async () => (await variantFor(first)) === 'on')).toBeLessThanOrEqual(12_000);
  });
});
