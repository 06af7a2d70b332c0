import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import request from 'supertest';
import type { Response } from 'supertest';
import { CATALOGUE_CHANGED } from '../../src/features/features.service.js';
import { CHANGE_CHANNEL } from '../../src/infra/database/change-bus.service.js';
import { ClientsService } from '../../src/oidc/clients.service.js';
import { api, clientWithToken, type TestClient } from '../support/api.js';
import { CallbackServer } from '../support/browser.js';
import { authorizationRequest, tenantWithUserAndClient, type TenantFixture } from '../support/oidc-fixture.js';
import { PrivatePostgres } from '../support/private-postgres.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

// The test starts a PostgreSQL server of its own (whatever DATABASE_URL says),
// so it can stop and restart it under load without touching anyone else's.
const WRITERS = 12;
const LOAD_BEFORE_MS = 1_500;
const OUTAGE_MS = 1_500;
const LOAD_AFTER_MS = 2_000;
const READY_WITHIN_MS = 5_000;
const RETRY_PAUSE_MS = 50;
const OTHER_CALLER_PAUSE_MS = 20;

type Check = (response: Response) => string | undefined;

/** What every failed API request must look like: a 503 problem with Retry-After. */
const problem503: Check = (response) => {
  if (!/^application\/problem\+json/.test(String(response.headers['content-type']))) return 'not problem+json';
  if (response.body.status !== 503 || response.body.code !== 'TEMPORARILY_UNAVAILABLE') return `body ${JSON.stringify(response.body)}`;
  return /^\d+$/.test(String(response.headers['retry-after'])) ? undefined : 'no Retry-After';
};

/** ... and under /oidc: OAuth's temporarily_unavailable. */
const oauth503: Check = (response) => {
  if (response.body.error !== 'temporarily_unavailable') return `body ${JSON.stringify(response.body)}`;
  if (response.headers['cache-control'] !== 'no-store') return 'cacheable';
  return /^\d+$/.test(String(response.headers['retry-after'])) ? undefined : 'no Retry-After';
};

/** ... and on a page people read: an HTML page saying so. */
const page503: Check = (response) => {
  if (!/^text\/html/.test(String(response.headers['content-type']))) return 'not HTML';
  if (!response.text.includes('Temporarily unavailable')) return 'does not say it is temporarily unavailable';
  return /^\d+$/.test(String(response.headers['retry-after'])) ? undefined : 'no Retry-After';
};

/**
 * Callers that keep sending while the database goes away and comes back:
 * each request is accepted, or a 503 of the right shape (counted per kind),
 * and anything else (a 500, a reset connection, a malformed 503) is recorded.
 */
class Traffic {
  readonly unexpected: string[] = [];
  readonly unavailable = new Map<string, number>();
  private readonly callers: Promise<void>[] = [];
  private running = true;

  get sending(): boolean {
    return this.running;
  }

  /** The response if it was accepted; undefined after a 503 or anything unexpected. */
  async attempt(kind: string, send: () => Promise<Response>, accepted: number[], check503: Check): Promise<Response | undefined> {
    let response: Response;
    try {
      response = await send();
    } catch (error) {
      this.unexpected.push(`${kind}: ${(error as Error).message}`);
      return undefined;
    }
    if (accepted.includes(response.status)) return response;
    const wrong = response.status === 503 ? check503(response) : `status ${response.status} ${response.text.slice(0, 300)}`;
    if (wrong) this.unexpected.push(`${kind}: ${wrong}`);
    else this.countUnavailable(kind);
    await sleep(RETRY_PAUSE_MS);
    return undefined;
  }

  countUnavailable(kind: string): void {
    this.unavailable.set(kind, (this.unavailable.get(kind) ?? 0) + 1);
  }

  /** Runs a caller until stop(). */
  add(caller: () => Promise<void>): void {
    this.callers.push(caller());
  }

  /** A caller that sends the same kind of request over and over, less often than the writers. */
  repeat(kind: string, send: () => Promise<Response>, accepted: number[], check503: Check, verify?: (response: Response) => void): void {
    this.add(async () => {
      while (this.running) {
        const response = await this.attempt(kind, send, accepted, check503);
        if (response) verify?.(response);
        await sleep(OTHER_CALLER_PAUSE_MS);
      }
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.callers);
  }
}

describe('a PostgreSQL restart under concurrent load', () => {
  let server: PrivatePostgres;
  let testApp: TestApp;
  let admin: TestClient;
  let callbacks: CallbackServer;
  let shop: TenantFixture;
  let interaction: { path: string; cookie: string };

  /** Straight to the test's own server, outside the app. */
  const sql = async (text: string, values: unknown[] = []): Promise<Record<string, unknown>[]> => {
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      return (await client.query(text, values)).rows as Record<string, unknown>[];
    } finally {
      await client.end();
    }
  };

  /**
   * Every acknowledged write is there, and nothing is half-written: each
   * counter's audit trail holds every value acknowledged, and its newest entry
   * is the flag's state (the two are written in one transaction).
   */
  const expectCountersIntact = async (acknowledged: number[]): Promise<void> => {
    for (let writer = 0; writer < WRITERS; writer += 1) {
      const key = `counter-${writer}`;
      // A number flag's value written as before 0.6.0 is stored as the tenant's variant "on".
      const [state] = await sql(`SELECT variants -> 'on' AS value FROM tenant_acme.tenant_features WHERE feature_key = $1`, [key]);
      const log = await sql(`SELECT after FROM tenant_acme.feature_changes WHERE feature_key = $1 ORDER BY id`, [key]);
      const logged = new Set(log.map((row) => (row.after as { variants: { on: number } }).variants.on));
      const missing = Array.from({ length: acknowledged[writer]! }, (_, index) => index + 1).filter((value) => !logged.has(value));
      expect({ key, missing }).toEqual({ key, missing: [] });
      expect({ key, state: state?.value }).toEqual({
        key,
        state: (log.at(-1)?.after as { variants: { on: number } } | undefined)?.variants.on,
      });
      // The last value sent is acknowledged, or got a 503 whose commit may or may not have happened.
      expect([acknowledged[writer], acknowledged[writer]! + 1]).toContain(state?.value);
    }
  };

  /**
   * Each acknowledged tenant exists; every tenant in the registry has its
   * migrated schema, and every tenant schema its registry row.
   */
  const expectTenantsWhole = async (acknowledgedTenants: string[]): Promise<void> => {
    const registered = await sql(`SELECT slug FROM tenantry.tenants WHERE slug LIKE 'busy-%'`);
    expect(acknowledgedTenants.filter((slug) => !registered.some((row) => row.slug === slug))).toEqual([]);
    expect(
      await sql(`SELECT t.slug FROM tenantry.tenants t
                   WHERE NOT EXISTS (SELECT 1 FROM tenantry.tenant_schemas s WHERE s.schema_name = t.schema_name AND s.migration IS NOT NULL)
                      OR NOT EXISTS (SELECT 1 FROM pg_namespace n WHERE n.nspname = t.schema_name)`),
    ).toEqual([]);
    expect(
      await sql(`SELECT nspname FROM pg_namespace n WHERE nspname LIKE 'tenant\\_%'
                   AND NOT EXISTS (SELECT 1 FROM tenantry.tenants t WHERE t.schema_name = n.nspname)`),
    ).toEqual([]);
  };

  beforeAll(async () => {
    server = await PrivatePostgres.create();
    // The app migrates the new server's control plane as it starts.
    testApp = await startTestApp({}, server.testDatabase);
    admin = await clientWithToken(testApp, testApp.app.get(ClientsService));
    await api(testApp, admin.token).post('/api/v1/tenants', { slug: 'acme' }).expect(201);
    for (let writer = 0; writer < WRITERS; writer += 1)
      await api(testApp, admin.token)
        .post('/api/v1/features', { key: `counter-${writer}`, type: 'number', defaultValue: 0 })
        .expect(201);
    callbacks = await CallbackServer.start();
    shop = await tenantWithUserAndClient(testApp, 'shop', 'ann@shop.test', callbacks);
    // A sign-in in progress: its page reads the database on every visit.
    const { url } = await authorizationRequest(shop.config, callbacks.callback);
    const started = await request(testApp.url).get(`${url.pathname}${url.search}`).expect(303);
    const cookie = (started.headers['set-cookie'] as unknown as string[]).map((value) => value.split(';')[0]).join('; ');
    interaction = { path: new URL(String(started.headers.location), testApp.url).pathname, cookie };
    await request(testApp.url).get(interaction.path).set('Cookie', cookie).expect(200);
  }, 60_000);

  afterAll(async () => {
    await callbacks?.close();
    await testApp?.close().catch(() => undefined);
    await server?.remove();
  });

  it('answers 503 (never 500) while the database restarts, keeps every acknowledged write, and is ready within 5 s of it', async () => {
    const traffic = new Traffic();
    // Writer w counts up its own flag, counter-w: 1, 2, 3... It moves to the
    // next value only once one is acknowledged, and retries what got a 503, as
    // Retry-After invites a client to.
    const acknowledged: number[] = Array.from({ length: WRITERS }, () => 0);
    const acknowledgedWrites = () => acknowledged.reduce((sum, count) => sum + count, 0);
    for (let writer = 0; writer < WRITERS; writer += 1)
      traffic.add(async () => {
        while (traffic.sending) {
          const value = acknowledged[writer]! + 1;
          const put = () => api(testApp, admin.token).put(`/api/v1/tenants/acme/features/counter-${writer}`, { enabled: true, value });
          if (await traffic.attempt('flag write', put, [200], problem503)) acknowledged[writer] = value;
        }
      });
    // Tenant creations (registry row, schema, migrations, seeded flags in one
    // transaction), not retried under the same slug: one whose commit the
    // outage cut may or may not have happened.
    const acknowledgedTenants: string[] = [];
    let tenants = 0;
    traffic.add(async () => {
      while (traffic.sending) {
        const slug = `busy-${tenants}`;
        const placement = tenants++ % 2 ? 'pooled' : 'isolated';
        const create = () => api(testApp, admin.token).post('/api/v1/tenants', { slug, placement });
        if (await traffic.attempt('tenant creation', create, [201], problem503)) acknowledgedTenants.push(slug);
      }
    });
    traffic.repeat('flag read', () => api(testApp, admin.token).get('/api/v1/tenants/acme/features/counter-0'), [200], problem503);
    // Client credentials for a registered client: served from memory while its cache entry lasts.
    const token = (clientId: string, clientSecret: string) =>
      request(testApp.url).post('/oidc/token').auth(clientId, clientSecret).type('form').send({ grant_type: 'client_credentials' });
    traffic.repeat('token', () => token(admin.clientId, admin.clientSecret), [200], oauth503);
    // A client id never seen before: its lookup goes to the database every time.
    let unknownClients = 0;
    traffic.repeat('token, unknown client', () => token(`unknown-${unknownClients++}`, 'secret'), [401], oauth503);
    // The authorization endpoint stores an interaction: during the outage it
    // sends the browser back to the client with the error.
    const authorize = async () => {
      const { url } = await authorizationRequest(shop.config, callbacks.callback);
      return request(testApp.url).get(`${url.pathname}${url.search}`);
    };
    traffic.repeat('authorization', authorize, [303], oauth503, (response) => {
      const location = new URL(String(response.headers.location), testApp.url);
      if (location.pathname.startsWith('/interaction/')) return;
      if (location.href.startsWith(callbacks.callback) && location.searchParams.get('error') === 'temporarily_unavailable')
        traffic.countUnavailable('authorization');
      else traffic.unexpected.push(`authorization: redirected to ${location.href}`);
    });
    traffic.repeat('sign-in page', () => request(testApp.url).get(interaction.path).set('Cookie', interaction.cookie), [200], page503);
    const readiness: { at: number; status: number; tookMs: number }[] = [];
    traffic.add(async () => {
      while (traffic.sending) {
        const started = Date.now();
        const response = await request(testApp.url)
          .get('/health/ready')
          .catch((error: Error) => void traffic.unexpected.push(`readiness: ${error.message}`));
        if (response) readiness.push({ at: Date.now(), status: response.status, tookMs: Date.now() - started });
        await sleep(100);
      }
    });

    await sleep(LOAD_BEFORE_MS);
    const acknowledgedBefore = acknowledgedWrites();
    await server.stop('fast');
    const downAt = Date.now();
    await sleep(OUTAGE_MS);
    const startingAt = Date.now();
    const starting = server.start();
    // When a new connection first gets an answer (pg_ctl only polls for that).
    while (!(await server.acceptsConnections())) await sleep(20);
    const backAt = Date.now();
    await starting;
    while (!readiness.some((probe) => probe.at > backAt && probe.status === 200) && Date.now() - backAt < READY_WITHIN_MS + 5_000)
      await sleep(50);
    await sleep(LOAD_AFTER_MS);
    await traffic.stop();

    // Never a 500, a reset connection or a wrong 503; and the outage was seen on every path that needs the database.
    expect(traffic.unexpected).toEqual([]);
    expect(acknowledgedBefore).toBeGreaterThan(0);
    expect(acknowledgedWrites()).toBeGreaterThan(acknowledgedBefore);
    for (const kind of ['flag write', 'tenant creation', 'token, unknown client', 'authorization', 'sign-in page'])
      expect({ kind, seen: (traffic.unavailable.get(kind) ?? 0) > 0 }).toEqual({ kind, seen: true });

    // Readiness said "not ready" quickly while the database was down, and "ready" within 5 s of its return.
    const duringOutage = readiness.filter((probe) => probe.at > downAt + 200 && probe.at < startingAt);
    expect(duringOutage.length).toBeGreaterThan(0);
    expect(duringOutage.every((probe) => probe.status === 503)).toBe(true);
    expect(Math.max(...readiness.map((probe) => probe.tookMs))).toBeLessThan(2_500);
    const readyAgain = readiness.find((probe) => probe.at > backAt && probe.status === 200);
    expect(readyAgain).toBeDefined();
    expect(readyAgain!.at - backAt).toBeLessThan(READY_WITHIN_MS);

    await expectCountersIntact(acknowledged);
    await expectTenantsWhole(acknowledgedTenants);

    // The process stayed up and serves as before.
    await request(testApp.url).get('/health/live').expect(200);
    await api(testApp, admin.token).put('/api/v1/tenants/acme/features/counter-0', { enabled: false }).expect(200);
  }, 60_000);

  it('listens for other instances’ changes again after the restart', async () => {
    expect(testApp.logs.some((line) => line.includes('change listener reconnected'))).toBe(true);
    // A change another instance announces reaches this one through NOTIFY,
    // well before the catalogue cache's TTL would have caught up.
    const read = async () =>
      (await api(testApp, admin.token).get('/api/v1/features').expect(200)).body as { items: { key: string; description: string }[] };
    expect((await read()).items.find((feature) => feature.key === 'counter-1')?.description).toBe('');
    await sql(`UPDATE tenantry.features SET description = 'changed elsewhere' WHERE key = 'counter-1'`);
    await sql(`SELECT pg_notify($1, $2)`, [CHANGE_CHANNEL, JSON.stringify({ topic: CATALOGUE_CHANGED, key: 'counter-1' })]);
    const deadline = Date.now() + 2_000;
    while ((await read()).items.find((feature) => feature.key === 'counter-1')?.description !== 'changed elsewhere') {
      if (Date.now() > deadline) throw new Error('the change notification did not arrive');
      await sleep(50);
    }
  });
});
