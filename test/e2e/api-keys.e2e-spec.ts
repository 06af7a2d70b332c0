import { setTimeout as sleep } from 'node:timers/promises';
import { OFREPProvider } from '@openfeature/ofrep-provider';
import { OpenFeature } from '@openfeature/server-sdk';
import request from 'supertest';
import { DatabaseService } from '../../src/infra/database/database.service.js';
import { ClientsService } from '../../src/oidc/clients.service.js';
import { api, clientWithToken, expectProblem } from '../support/api.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const ORIGIN = 'https://app.acme.test';
const OTHER_ORIGIN = 'https://evil.test';
const CONTEXT = { context: { targetingKey: 'user-1' } };

interface CreatedKey {
  id: string;
  key: string;
  kind: string;
  prefix: string;
  [field: string]: unknown;
}

/** A request with an API key, as X-API-Key or Bearer, from a browser origin or none. */
function withKey(test: request.Test, key: string, options: { origin?: string; as?: 'header' | 'bearer' } = {}): request.Test {
  const sent = options.as === 'bearer' ? test.set('Authorization', `Bearer ${key}`) : test.set('X-API-Key', key);
  return options.origin ? sent.set('Origin', options.origin) : sent;
}

async function within(limitMs: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > limitMs) throw new Error(`not seen within ${limitMs} ms`);
    await sleep(25);
  }
  return Date.now() - started;
}

describe('API keys', () => {
  let testApp: TestApp;
  let admin: string;
  let acmeReader: string;
  /** Every key value these tests produced: none may be stored or logged. */
  const issued: string[] = [];

  const createKey = async (slug: string, body: object, app = testApp): Promise<CreatedKey> => {
    const response = await api(app, admin).post(`/api/v1/tenants/${slug}/api-keys`, body).expect(201);
    const created = response.body as CreatedKey;
    issued.push(created.key);
    return created;
  };
  const evaluateOne = (key: string, options: Parameters<typeof withKey>[2] = {}, app = testApp) =>
    withKey(request(app.url).post('/ofrep/v1/evaluate/flags/new-checkout'), key, options).send(CONTEXT);
  const evaluateAll = (key: string, options: Parameters<typeof withKey>[2] = {}, app = testApp) =>
    withKey(request(app.url).post('/ofrep/v1/evaluate/flags'), key, options).send(CONTEXT);

  beforeAll(async () => {
    testApp = await startTestApp();
    const clients = testApp.app.get(ClientsService);
    admin = (await clientWithToken(testApp, clients)).token;
    await api(testApp, admin)
      .post('/api/v1/features', { key: 'new-checkout', description: 'The new checkout', defaultEnabled: false })
      .expect(201);
    await api(testApp, admin).post('/api/v1/features', { key: 'dark-mode', defaultEnabled: true }).expect(201);
    await api(testApp, admin).post('/api/v1/tenants', { slug: 'acme', placement: 'pooled' }).expect(201);
    await api(testApp, admin).post('/api/v1/tenants', { slug: 'globex' }).expect(201);
    await api(testApp, admin).put('/api/v1/tenants/globex/features/new-checkout', { enabled: true }).expect(200);
    acmeReader = (await clientWithToken(testApp, clients, { tenantSlug: 'acme', scopes: ['features:read'] })).token;
  });

  afterAll(async () => {
    await OpenFeature.close();
    await testApp.close();
  });

  describe('management (platform clients)', () => {
    it('creates a key shown once, lists keys without it, and revokes', async () => {
      const created = await createKey('acme', { kind: 'publishable', name: 'landing page', origins: [ORIGIN] });
      expect(created.key).toMatch(/^tpk_[0-9A-Za-z]{38}$/);
      expect(created).toMatchObject({
        kind: 'publishable',
        name: 'landing page',
        prefix: created.key.slice(0, 10),
        origins: [ORIGIN],
        scopes: [],
        ipRanges: [],
        rateLimitPerMinute: 60_000,
        expiresAt: null,
        revokedAt: null,
      });
      expect(created.id).toMatch(/^key_[0-9A-Za-z]{20}$/);
      expect(created.createdBy).toMatch(/^client:[0-9a-f-]{36}$/);

      const listed = await api(testApp, admin).get('/api/v1/tenants/acme/api-keys').expect(200);
      const entry = (listed.body.items as CreatedKey[]).find((item) => item.id === created.id);
      expect(entry).toEqual({ ...created, key: undefined, createdAt: created.createdAt });
      expect(JSON.stringify(listed.body)).not.toContain(created.key);
      expect(JSON.stringify(listed.body)).not.toContain('sha256');

      const revoked = await api(testApp, admin).delete(`/api/v1/tenants/acme/api-keys/${created.id}`).expect(200);
      expect(revoked.body.id).toBe(created.id);
      expect(typeof revoked.body.revokedAt).toBe('string');
      expectProblem(await evaluateOne(created.key, { origin: ORIGIN }), 401, 'API_KEY_INVALID');
    });

    it('keeps each tenant’s keys to that tenant, and management to platform clients', async () => {
      const created = await createKey('acme', { kind: 'secret', scopes: ['features:read'] });
      expectProblem(await api(testApp, admin).delete(`/api/v1/tenants/globex/api-keys/${created.id}`), 404, 'API_KEY_NOT_FOUND');
      expectProblem(await api(testApp, admin).delete('/api/v1/tenants/acme/api-keys/key_nope'), 404, 'API_KEY_NOT_FOUND');
      const globex = await api(testApp, admin).get('/api/v1/tenants/globex/api-keys').expect(200);
      expect((globex.body.items as CreatedKey[]).map((item) => item.id)).not.toContain(created.id);
      expectProblem(await api(testApp, acmeReader).get('/api/v1/tenants/acme/api-keys'), 403, 'PLATFORM_CLIENT_REQUIRED');
      expectProblem(
        await api(testApp, acmeReader).post('/api/v1/tenants/acme/api-keys', { kind: 'secret', scopes: ['features:read'] }),
        403,
        'PLATFORM_CLIENT_REQUIRED',
      );
      expectProblem(await api(testApp).get('/api/v1/tenants/acme/api-keys'), 401, 'TOKEN_MISSING');
      expectProblem(await api(testApp, admin).post('/api/v1/tenants/nope/api-keys', { kind: 'secret', scopes: ['features:read'] }), 404);
      // A secret key, even with every scope it may hold, manages no keys.
      expectProblem(await withKey(request(testApp.url).get('/api/v1/tenants/acme/api-keys'), created.key), 403, 'PLATFORM_CLIENT_REQUIRED');
    });

    it.each([
      ['a publishable key without origins', { kind: 'publishable' }, 'API_KEY_REQUEST_INVALID'],
      ['the wildcard origin', { kind: 'publishable', origins: ['*'] }, 'API_KEY_REQUEST_INVALID'],
      ['an origin with a path', { kind: 'publishable', origins: ['https://app.acme.test/page'] }, 'API_KEY_REQUEST_INVALID'],
      ['a plain-http origin off loopback', { kind: 'publishable', origins: ['http://app.acme.test'] }, 'API_KEY_REQUEST_INVALID'],
      ['a publishable key with scopes', { kind: 'publishable', origins: [ORIGIN], scopes: ['features:read'] }, 'API_KEY_REQUEST_INVALID'],
      ['a publishable key with ranges', { kind: 'publishable', origins: [ORIGIN], ipRanges: ['10.0.0.0/8'] }, 'API_KEY_REQUEST_INVALID'],
      ['a secret key without scopes', { kind: 'secret' }, 'API_KEY_REQUEST_INVALID'],
      ['a secret key with tenants:read', { kind: 'secret', scopes: ['tenants:read'] }, 'API_KEY_REQUEST_INVALID'],
      ['a secret key with tenants:write', { kind: 'secret', scopes: ['features:read', 'tenants:write'] }, 'API_KEY_REQUEST_INVALID'],
      ['a secret key with an OIDC scope', { kind: 'secret', scopes: ['openid'] }, 'API_KEY_REQUEST_INVALID'],
      ['a secret key with origins', { kind: 'secret', scopes: ['features:read'], origins: [ORIGIN] }, 'API_KEY_REQUEST_INVALID'],
      ['a secret key with a rate limit', { kind: 'secret', scopes: ['features:read'], rateLimitPerMinute: 5 }, 'API_KEY_REQUEST_INVALID'],
      ['a range that is not CIDR', { kind: 'secret', scopes: ['features:read'], ipRanges: ['10.0.0.0/33'] }, 'API_KEY_REQUEST_INVALID'],
      [
        'an expiry in the past',
        { kind: 'secret', scopes: ['features:read'], expiresAt: '2020-01-01T00:00:00Z' },
        'API_KEY_REQUEST_INVALID',
      ],
      ['an expiry that is no date', { kind: 'secret', scopes: ['features:read'], expiresAt: 'tomorrow' }, 'API_KEY_REQUEST_INVALID'],
      ['another kind', { kind: 'admin', scopes: ['features:read'] }, 'VALIDATION_FAILED'],
      ['a rate limit of zero', { kind: 'publishable', origins: [ORIGIN], rateLimitPerMinute: 0 }, 'VALIDATION_FAILED'],
      ['an unknown field', { kind: 'secret', scopes: ['features:read'], tenant: 'globex' }, 'VALIDATION_FAILED'],
    ])('refuses %s (400)', async (_label, body, code) => {
      expectProblem(await api(testApp, admin).post('/api/v1/tenants/acme/api-keys', body), 400, code);
    });
  });

  describe('publishable keys', () => {
    let publishable: CreatedKey;

    beforeAll(async () => {
      publishable = await createKey('acme', { kind: 'publishable', origins: [ORIGIN, 'http://localhost:5173'] });
    });

    it('evaluate the key’s tenant’s flags (single and bulk) from its origins, as X-API-Key or Bearer', async () => {
      const one = await evaluateOne(publishable.key, { origin: ORIGIN }).expect(200);
      expect(one.body).toMatchObject({ key: 'new-checkout', value: false });
      expect(one.headers['access-control-allow-origin']).toBe(ORIGIN);
      expect(one.headers['access-control-allow-credentials']).toBeUndefined();
      await evaluateOne(publishable.key, { origin: 'http://localhost:5173', as: 'bearer' }).expect(200);
      const all = await evaluateAll(publishable.key, { origin: ORIGIN }).expect(200);
      expect(all.body.metadata).toEqual({ tenant: 'acme' });
      expect(Object.fromEntries((all.body.flags as { key: string; value: unknown }[]).map((flag) => [flag.key, flag.value]))).toEqual({
        'new-checkout': false,
        'dark-mode': true,
      });
      await withKey(request(testApp.url).post('/ofrep/v1/evaluate/flags'), publishable.key, { origin: ORIGIN })
        .set('If-None-Match', all.headers.etag!)
        .send(CONTEXT)
        .expect(304);
    });

    it('reach the change stream: the bulk answer’s ticket, and /me/feature-events', async () => {
      const all = await evaluateAll(publishable.key, { origin: ORIGIN }).expect(200);
      const [stream] = all.body.eventStreams as { url: string }[];
      const ticketed = await fetch(stream!.url, { headers: { accept: 'text/event-stream', origin: ORIGIN } });
      expect(ticketed.status).toBe(200);
      expect(ticketed.headers.get('content-type')).toMatch(/^text\/event-stream/);
      await ticketed.body?.cancel();
      const mine = await fetch(`${testApp.url}/api/v1/me/feature-events`, {
        headers: { accept: 'text/event-stream', 'x-api-key': publishable.key, origin: ORIGIN },
      });
      expect(mine.status).toBe(200);
      await mine.body?.cancel();
    });

    it('are refused without an Origin and from another origin (403)', async () => {
      expectProblem(await evaluateOne(publishable.key), 403, 'API_KEY_ORIGIN_REFUSED');
      expectProblem(await evaluateAll(publishable.key, { as: 'bearer' }), 403, 'API_KEY_ORIGIN_REFUSED');
      const other = await evaluateOne(publishable.key, { origin: OTHER_ORIGIN });
      expectProblem(other, 403, 'API_KEY_ORIGIN_REFUSED');
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('open CORS to their origins only, X-API-Key included, never *', async () => {
      const preflight = (origin: string) =>
        request(testApp.url)
          .options('/ofrep/v1/evaluate/flags')
          .set('Origin', origin)
          .set('Access-Control-Request-Method', 'POST')
          .set('Access-Control-Request-Headers', 'x-api-key,content-type');
      const allowed = await preflight(ORIGIN).expect(204);
      expect(allowed.headers['access-control-allow-origin']).toBe(ORIGIN);
      expect(allowed.headers['access-control-allow-headers']).toContain('x-api-key');
      expect(allowed.headers['access-control-allow-credentials']).toBeUndefined();
      const refused = await preflight(OTHER_ORIGIN);
      expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('can do nothing but evaluate: no toggling, no tenant list, no /me/features, no other tenant’s flags', async () => {
      const key = publishable.key;
      const from = { origin: ORIGIN };
      const put = withKey(request(testApp.url).put('/api/v1/tenants/acme/features/new-checkout'), key, from).send({ enabled: true });
      expectProblem(await put, 403, 'PUBLISHABLE_KEY_NOT_ALLOWED');
      expectProblem(await withKey(request(testApp.url).get('/api/v1/tenants'), key, from), 403, 'PUBLISHABLE_KEY_NOT_ALLOWED');
      expectProblem(await withKey(request(testApp.url).get('/api/v1/me/features'), key, from), 403, 'PUBLISHABLE_KEY_NOT_ALLOWED');
      expectProblem(
        await withKey(request(testApp.url).get('/api/v1/tenants/globex/features'), key, { ...from, as: 'bearer' }),
        403,
        'PUBLISHABLE_KEY_NOT_ALLOWED',
      );
      expectProblem(
        await withKey(request(testApp.url).get('/api/v1/tenants/acme/feature-events'), key, from),
        403,
        'PUBLISHABLE_KEY_NOT_ALLOWED',
      );
      // globex has new-checkout on; acme's key still sees acme's flag, whatever the context names.
      const spoofed = await withKey(request(testApp.url).post('/ofrep/v1/evaluate/flags/new-checkout'), key, from)
        .send({ context: { targetingKey: 'user-1', tenant: 'globex', tenantId: 'globex' } })
        .expect(200);
      expect(spoofed.body.value).toBe(false);
      const flag = await api(testApp, admin).get('/api/v1/tenants/acme/features/new-checkout').expect(200);
      expect(flag.body.enabled).toBe(false);
    });

    it('work with the OpenFeature server SDK and the OFREP provider', async () => {
      await OpenFeature.setProviderAndWait(
        new OFREPProvider({
          baseUrl: testApp.url,
          headers: [
            ['X-API-Key', publishable.key],
            ['Origin', ORIGIN],
          ],
        }),
      );
      const client = OpenFeature.getClient();
      expect(await client.getBooleanValue('new-checkout', true, { targetingKey: 'user-1' })).toBe(false);
      expect(await client.getBooleanValue('dark-mode', false, { targetingKey: 'user-1' })).toBe(true);
    });

    it('are rate-limited per key: a burst of 10 s’ worth, then 429 with Retry-After', async () => {
      // 60 a minute: a burst of 10, leased 3 at a time.
      const limited = await createKey('acme', { kind: 'publishable', origins: [ORIGIN], rateLimitPerMinute: 60 });
      const statuses: number[] = [];
      for (let call = 0; call < 10; call += 1) statuses.push((await evaluateOne(limited.key, { origin: ORIGIN })).status);
      expect(statuses).toEqual(Array(10).fill(200));
      const refused = await evaluateOne(limited.key, { origin: ORIGIN });
      expectProblem(refused, 429, 'API_KEY_RATE_LIMITED');
      expect(refused.headers['retry-after']).toBe('1');
      // Another key keeps its own budget.
      await evaluateOne(publishable.key, { origin: ORIGIN }).expect(200);
    });

    it('share one budget across instances (one lease round trip per batch, not per request)', async () => {
      const second = testApp.database.kind === 'server' ? await startTestApp({ PUBLIC_URL: testApp.baseUrl }, testApp.database) : testApp;
      try {
        // 6 a minute: a burst of 1 (10 s' worth), leased one at a time.
        const scarce = await createKey('acme', { kind: 'publishable', origins: [ORIGIN], rateLimitPerMinute: 6 });
        await evaluateOne(scarce.key, { origin: ORIGIN }).expect(200);
        const elsewhere = await evaluateOne(scarce.key, { origin: ORIGIN }, second);
        expectProblem(elsewhere, 429, 'API_KEY_RATE_LIMITED');
        expect(Number(elsewhere.headers['retry-after'])).toBeGreaterThanOrEqual(9);
      } finally {
        if (second !== testApp) await second.close();
      }
    });
  });

  describe('secret keys', () => {
    let reader: CreatedKey;

    beforeAll(async () => {
      reader = await createKey('acme', { kind: 'secret', name: 'nightly job', scopes: ['features:read'] });
    });

    it('act for their tenant with their scopes, as Bearer and as X-API-Key, on OFREP and the API', async () => {
      expect(reader.key).toMatch(/^tsk_[0-9A-Za-z]{38}$/);
      expect((await evaluateOne(reader.key, { as: 'bearer' }).expect(200)).body.value).toBe(false);
      expect((await evaluateAll(reader.key).expect(200)).body.metadata).toEqual({ tenant: 'acme' });
      await withKey(request(testApp.url).get('/api/v1/me/features'), reader.key).expect(200);
      await withKey(request(testApp.url).get('/api/v1/tenants/acme/features'), reader.key, { as: 'bearer' }).expect(200);
    });

    it('are refused beyond their scopes and their tenant', async () => {
      const put = withKey(request(testApp.url).put('/api/v1/tenants/acme/features/new-checkout'), reader.key).send({ enabled: true });
      expectProblem(await put, 403, 'INSUFFICIENT_SCOPE');
      expectProblem(await withKey(request(testApp.url).get('/api/v1/tenants'), reader.key), 403, 'PLATFORM_CLIENT_REQUIRED');
      expectProblem(await withKey(request(testApp.url).get('/api/v1/tenants/globex/features'), reader.key), 404);
      expectProblem(await withKey(request(testApp.url).get('/api/v1/tenants/globex/feature-changes'), reader.key), 404);
    });

    it('change flags with features:write, the audit trail and the request log naming the key’s id', async () => {
      const writer = await createKey('acme', { kind: 'secret', scopes: ['features:read', 'features:write'] });
      await withKey(request(testApp.url).put('/api/v1/tenants/acme/features/dark-mode'), writer.key).send({ enabled: false }).expect(200);
      const changes = await api(testApp, admin).get('/api/v1/tenants/acme/feature-changes').expect(200);
      expect(changes.body.items[0]).toMatchObject({ key: 'dark-mode', actor: { clientId: `apikey:${writer.id}`, userId: null } });
      const line = testApp.logs
        .map((entry) => JSON.parse(entry) as { msg?: string; client?: string; req?: { method?: string; path?: string } })
        .find((entry) => entry.msg === 'request completed' && entry.req?.method === 'PUT' && entry.client === `apikey:${writer.id}`);
      expect(line?.req?.path).toBe('/api/v1/tenants/acme/features/dark-mode');
      await withKey(request(testApp.url).put('/api/v1/tenants/acme/features/dark-mode'), writer.key).send({ enabled: true }).expect(200);
    });

    it('hold to their address ranges', async () => {
      const elsewhere = await createKey('acme', { kind: 'secret', scopes: ['features:read'], ipRanges: ['10.0.0.0/8', '2001:db8::/32'] });
      expectProblem(await evaluateOne(elsewhere.key), 403, 'API_KEY_ADDRESS_REFUSED');
      const local = await createKey('acme', { kind: 'secret', scopes: ['features:read'], ipRanges: ['127.0.0.0/8'] });
      expect(local.ipRanges).toEqual(['127.0.0.0/8']);
      await evaluateOne(local.key).expect(200);
    });

    it('stop at their expiry', async () => {
      const brief = await createKey('acme', {
        kind: 'secret',
        scopes: ['features:read'],
        expiresAt: new Date(Date.now() + 1_500).toISOString(),
      });
      await evaluateOne(brief.key).expect(200);
      await sleep(1_600);
      expectProblem(await evaluateOne(brief.key), 401, 'API_KEY_INVALID');
    });

    it('refuse a mistyped, unknown or doubly presented key without a lookup of the key itself', async () => {
      const mistyped = reader.key.slice(0, 8) + (reader.key[8] === 'A' ? 'B' : 'A') + reader.key.slice(9);
      const refusal = await evaluateOne(mistyped);
      expectProblem(refusal, 401, 'API_KEY_INVALID');
      expect(refusal.headers['www-authenticate']).toContain('error="invalid_token"');
      // Well formed, checksum and all, but never issued.
      const forged = await createKey('globex', { kind: 'secret', scopes: ['features:read'] });
      await api(testApp, admin).delete(`/api/v1/tenants/globex/api-keys/${forged.id}`).expect(200);
      expectProblem(await evaluateOne(forged.key), 401, 'API_KEY_INVALID');
      const both = withKey(request(testApp.url).post('/ofrep/v1/evaluate/flags/new-checkout'), reader.key).set(
        'Authorization',
        `Bearer ${acmeReader}`,
      );
      expectProblem(await both.send(CONTEXT), 401, 'API_KEY_INVALID');
    });
  });

  it('stops a revoked key, and CORS for its origin, at once on a second instance sharing the database', async () => {
    // The embedded database serves one process: there the second instance is the first.
    const second = testApp.database.kind === 'server' ? await startTestApp({ PUBLIC_URL: testApp.baseUrl }, testApp.database) : testApp;
    const origin = 'https://gone.acme.test';
    const allowedOrigin = async (): Promise<string | undefined> =>
      (
        await request(second.url)
          .options('/ofrep/v1/evaluate/flags')
          .set('Origin', origin)
          .set('Access-Control-Request-Method', 'POST')
          .set('Access-Control-Request-Headers', 'x-api-key')
      ).headers['access-control-allow-origin'];
    try {
      const secret = await createKey('acme', { kind: 'secret', scopes: ['features:read'] });
      const publishable = await createKey('acme', { kind: 'publishable', origins: [origin] });
      // Warm the second instance's caches with both keys and the origin.
      await evaluateOne(secret.key, {}, second).expect(200);
      await evaluateOne(publishable.key, { origin }, second).expect(200);
      expect(await allowedOrigin()).toBe(origin);
      await api(testApp, admin).delete(`/api/v1/tenants/acme/api-keys/${secret.id}`).expect(200);
      await api(testApp, admin).delete(`/api/v1/tenants/acme/api-keys/${publishable.id}`).expect(200);
      const elapsed = await within(1_000, async () => (await evaluateOne(secret.key, {}, second)).status === 401);
      expect(elapsed).toBeLessThan(1_000);
      expectProblem(await evaluateOne(publishable.key, { origin }, second), 401, 'API_KEY_INVALID');
      expect(await allowedOrigin()).toBeUndefined();
    } finally {
      if (second !== testApp) await second.close();
    }
  });

  it('removes a tenant’s keys with the tenant', async () => {
    await api(testApp, admin).post('/api/v1/tenants', { slug: 'doomed' }).expect(201);
    const doomed = await createKey('doomed', { kind: 'secret', scopes: ['features:read'] });
    await evaluateOne(doomed.key).expect(200);
    await api(testApp, admin).delete('/api/v1/tenants/doomed').expect(204);
    expectProblem(await evaluateOne(doomed.key), 401, 'API_KEY_INVALID');
    const { rows } = await testApp.app
      .get(DatabaseService)
      .pool.query('SELECT count(*)::int AS count FROM "tenantry"."api_keys" WHERE "id" = $1', [doomed.id]);
    expect(rows[0].count).toBe(0);
  });

  it('leaves no key in any table or log line', async () => {
    expect(issued.length).toBeGreaterThan(10);
    const pool = testApp.app.get(DatabaseService).pool;
    const { rows: columns } = await pool.query<{ schema: string; table: string; column: string }>(
      `SELECT c.table_schema AS schema, c.table_name AS table, c.column_name AS column
       FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
       WHERE t.table_type = 'BASE TABLE' AND c.table_schema NOT IN ('pg_catalog', 'information_schema')
         AND (c.data_type IN ('text', 'character varying', 'jsonb', 'json') OR c.udt_name IN ('_text', '_varchar'))`,
    );
    expect(columns.map((column) => `${column.schema}.${column.table}.${column.column}`)).toContain('tenantry.api_keys.key_hash');
    let scanned = 0;
    for (const { schema, table, column } of columns) {
      const { rows } = await pool.query<{ found: number }>(
        `SELECT count(*)::int AS found FROM "${schema}"."${table}" WHERE "${column}"::text LIKE ANY ($1::text[])`,
        [issued.map((key) => `%${key}%`)],
      );
      expect({ at: `${schema}.${table}.${column}`, found: rows[0]!.found }).toEqual({ at: `${schema}.${table}.${column}`, found: 0 });
      scanned += 1;
    }
    expect(scanned).toBe(columns.length);
    const logged = testApp.logs.filter((line) => issued.some((key) => line.includes(key)));
    expect(logged).toEqual([]);
    expect(testApp.logs.some((line) => line.includes('"client":"apikey:key_'))).toBe(true);
  });
});
