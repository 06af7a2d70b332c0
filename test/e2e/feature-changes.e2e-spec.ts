import { setTimeout as sleep } from 'node:timers/promises';
import { FeatureEventsService } from '../../src/features/feature-events.service.js';
import { DatabaseService } from '../../src/infra/database/database.service.js';
import { ClientsService } from '../../src/oidc/clients.service.js';
import { StreamTickets } from '../../src/features/stream-tickets.js';
import { api, clientWithToken, expectProblem, type TestClient } from '../support/api.js';
import { EventStreamClient } from '../support/event-stream.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await sleep(10);
  }
}

describe('feature changes: audit trail, optimistic concurrency, live stream', () => {
  let database: TestDatabase;
  let first: TestApp;
  let admin: TestClient;
  let tenantClient: TestClient;
  const streams: EventStreamClient[] = [];

  const open = async (testApp: TestApp, path: string, token: string, lastEventId?: string) => {
    const stream = await EventStreamClient.open(`${testApp.url}${path}`, token, lastEventId);
    streams.push(stream);
    return stream;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    first = await startTestApp({}, database);
    const clients = first.app.get(ClientsService);
    admin = await clientWithToken(first, clients);
    for (const key of ['beta', 'gamma', 'delta']) await api(first, admin.token).post('/api/v1/features', { key }).expect(201);
    await api(first, admin.token).post('/api/v1/tenants', { slug: 'acme', placement: 'pooled' }).expect(201);
    await api(first, admin.token).post('/api/v1/tenants', { slug: 'globex' }).expect(201);
    tenantClient = await clientWithToken(first, clients, { tenantSlug: 'acme', scopes: ['features:read features:write'] });
  });

  afterAll(async () => {
    for (const stream of streams) stream.close();
    await first.close();
    await database.drop();
  });

  describe('If-Match', () => {
    it('changes a flag only at the version the writer read; a stale version gets 412 and changes nothing', async () => {
      const read = await api(first, admin.token).get('/api/v1/tenants/acme/features/beta').expect(200);
      const version = read.headers.etag as string;
      expect(version).toMatch(/^"v\d+"$/);
      const changed = await api(first, admin.token)
        .put('/api/v1/tenants/acme/features/beta', { enabled: true })
        .set('If-Match', version)
        .expect(200);
      expect(changed.headers.etag).not.toBe(version);

      const stale = await api(first, admin.token).put('/api/v1/tenants/acme/features/beta', { enabled: false }).set('If-Match', version);
      expectProblem(stale, 412, 'FEATURE_PRECONDITION_FAILED');
      const now = await api(first, admin.token).get('/api/v1/tenants/acme/features/beta').expect(200);
      expect(now.body.enabled).toBe(true);
      expectProblem(await api(first, admin.token).post('/api/v1/tenants/acme/features/beta/disable').set('If-Match', '"not-ours"'), 412);
    });

    it('lets exactly one of two admins writing at the same version win', async () => {
      const version = (await api(first, admin.token).get('/api/v1/tenants/acme/features/gamma').expect(200)).headers.etag as string;
      const results = await Promise.all([
        api(first, admin.token).post('/api/v1/tenants/acme/features/gamma/enable').set('If-Match', version),
        api(first, admin.token).post('/api/v1/tenants/acme/features/gamma/disable').set('If-Match', version),
      ]);
      expect(results.map((result) => result.status).sort()).toEqual([200, 412]);
    });

    it('sets several flags in one transaction: all, or none when one is unknown', async () => {
      const set = await api(first, admin.token)
        .put('/api/v1/tenants/acme/features', {
          features: [
            { key: 'gamma', enabled: true },
            { key: 'delta', enabled: true },
          ],
        })
        .expect(200);
      expect(set.body.items.map((item: { key: string; enabled: boolean }) => [item.key, item.enabled])).toEqual([
        ['gamma', true],
        ['delta', true],
      ]);
      const refused = await api(first, admin.token).put('/api/v1/tenants/acme/features', {
        features: [
          { key: 'delta', enabled: false },
          { key: 'no-such-flag', enabled: true },
        ],
      });
      expectProblem(refused, 404, 'FEATURE_NOT_FOUND');
      expect((await api(first, admin.token).get('/api/v1/tenants/acme/features/delta').expect(200)).body.enabled).toBe(true);
      expectProblem(await api(first, admin.token).put('/api/v1/tenants/acme/features', { features: [] }), 400);
    });
  });

  describe('audit trail', () => {
    it('records who changed what, before and after, and when; newest first, a page at a time', async () => {
      await api(first, tenantClient.token).post('/api/v1/tenants/acme/features/delta/disable').expect(200);
      const page = await api(first, admin.token).get('/api/v1/tenants/acme/feature-changes?limit=2').expect(200);
      expect(page.body.items).toHaveLength(2);
      expect(page.body.items[0]).toMatchObject({
        key: 'delta',
        actor: { clientId: tenantClient.clientId, userId: null },
        before: { enabled: true, origin: 'override' },
        after: { enabled: false, origin: 'override' },
      });
      expect(Date.parse(page.body.items[0].changedAt)).toBeGreaterThan(Date.now() - 60_000);
      expect(page.body.nextCursor).toBe(page.body.items[1].id);
      const next = await api(first, admin.token)
        .get(`/api/v1/tenants/acme/feature-changes?limit=2&cursor=${page.body.nextCursor}`)
        .expect(200);
      expect(BigInt(next.body.items[0].id)).toBeLessThan(BigInt(page.body.items[1].id));
      const own = await api(first, tenantClient.token).get('/api/v1/tenants/acme/feature-changes').expect(200);
      expect(own.body.items.length).toBeGreaterThanOrEqual(4);
    });

    it('keeps one tenant’s trail from another', async () => {
      expectProblem(await api(first, tenantClient.token).get('/api/v1/tenants/globex/feature-changes'), 404, 'TENANT_NOT_FOUND');
      const globex = await api(first, admin.token).get('/api/v1/tenants/globex/feature-changes').expect(200);
      expect(globex.body.items).toEqual([]);
      expectProblem(await api(first, admin.token).get('/api/v1/tenants/acme/feature-changes?cursor=abc'), 400);
    });
  });

  describe('change stream (Server-Sent Events)', () => {
    it('sends a change to a subscriber on the instance that made it', async () => {
      const stream = await open(first, '/api/v1/me/feature-events', tenantClient.token);
      expect(stream.status).toBe(200);
      await api(first, admin.token).post('/api/v1/tenants/acme/features/beta/disable').expect(200);
      const event = await stream.next();
      expect(event).toMatchObject({ event: 'message', data: { type: 'refetchEvaluation', key: 'beta', enabled: false } });
      expect(event.id).toMatch(/^\d+$/);
    });

    it('reaches a subscriber connected to another instance (PostgreSQL NOTIFY; the embedded database within its sweep)', async () => {
      // On the embedded database a second server cannot share the files; the second writer is then the same process's CLI path.
      const second = database.kind === 'server' ? await startTestApp({ PUBLIC_URL: first.baseUrl }, database) : first;
      try {
        const stream = await open(first, '/api/v1/me/feature-events', tenantClient.token);
        const started = Date.now();
        await api(second, admin.token).post('/api/v1/tenants/acme/features/beta/enable').expect(200);
        expect(await stream.next(database.kind === 'server' ? 2_000 : 8_000)).toMatchObject({ data: { key: 'beta', enabled: true } });
        if (database.kind === 'server') expect(Date.now() - started).toBeLessThan(2_000);
      } finally {
        if (second !== first) await second.close();
      }
    });

    it('resumes with Last-Event-ID and loses nothing that happened while disconnected', async () => {
      const stream = await open(first, '/api/v1/tenants/acme/feature-events', admin.token);
      await api(first, admin.token).post('/api/v1/tenants/acme/features/gamma/disable').expect(200);
      const seen = await stream.next();
      stream.close();
      await api(first, admin.token).post('/api/v1/tenants/acme/features/gamma/enable').expect(200);
      await api(first, admin.token).post('/api/v1/tenants/acme/features/delta/enable').expect(200);

      const resumed = await open(first, '/api/v1/tenants/acme/feature-events', admin.token, seen.id);
      const missed = [await resumed.next(), await resumed.next()];
      expect(missed.map((event) => [event.data.key, event.data.enabled])).toEqual([
        ['gamma', true],
        ['delta', true],
      ]);
      expect(BigInt(missed[0]!.id!)).toBeGreaterThan(BigInt(seen.id!));
      expect(BigInt(missed[1]!.id!)).toBeGreaterThan(BigInt(missed[0]!.id!));
    });

    it('leaves nothing behind for a client that leaves while its subscription is being set up', async () => {
      const events = first.app.get(FeatureEventsService);
      const subscribers = events.subscriberCount;
      // Where a new stream starts is read from acme's change log: hold that table, so the setup waits on it.
      const holder = await first.app.get(DatabaseService).pool.connect();
      try {
        await holder.query('BEGIN');
        await holder.query('LOCK TABLE tenants_pooled.feature_changes IN ACCESS EXCLUSIVE MODE');
        const controller = new AbortController();
        const opening = fetch(`${first.url}/api/v1/me/feature-events`, {
          headers: { authorization: `Bearer ${tenantClient.token}` },
          signal: controller.signal,
        });
        opening.catch(() => undefined);
        await until(() => events.pendingSubscriptions === 1);
        controller.abort();
        await sleep(200);
      } finally {
        await holder.query('COMMIT');
        holder.release();
      }
      await until(() => events.pendingSubscriptions === 0);
      await sleep(100);
      expect(events.subscriberCount).toBe(subscribers);
    });

    describe('lasts no longer than its credential', () => {
      // Credentials are asked again every sweep (5 s); an expiry ends the stream on time.
      const SWEEP_AND_MARGIN_MS = 8_000;

      it('ends when the client its token was issued to is deleted, with the point to resume from; other streams go on', async () => {
        const clients = first.app.get(ClientsService);
        const doomed = await clientWithToken(first, clients, { tenantSlug: 'acme', scopes: ['features:read'] });
        const stream = await open(first, '/api/v1/me/feature-events', doomed.token);
        const bystander = await open(first, '/api/v1/me/feature-events', tenantClient.token);
        expect([stream.status, bystander.status]).toEqual([200, 200]);
        await clients.delete(doomed.clientId);
        const last = await stream.ended(SWEEP_AND_MARGIN_MS);
        expect(last).toMatchObject({ retry: '1000', id: expect.stringMatching(/^\d+$/) });
        // Reconnecting with the dead token is refused, so the client knows to get a new one.
        expect((await open(first, '/api/v1/me/feature-events', doomed.token)).status).toBe(401);
        await api(first, admin.token).post('/api/v1/tenants/acme/features/beta/disable').expect(200);
        expect((await bystander.next()).data).toMatchObject({ key: 'beta', enabled: false });
      });

      it('ends when the API key it was opened with is revoked', async () => {
        const created = await api(first, admin.token)
          .post('/api/v1/tenants/acme/api-keys', { kind: 'secret', scopes: ['features:read'] })
          .expect(201);
        const { id, key } = created.body as { id: string; key: string };
        const stream = await open(first, '/api/v1/me/feature-events', key);
        expect(stream.status).toBe(200);
        await api(first, admin.token).delete(`/api/v1/tenants/acme/api-keys/${id}`).expect(200);
        expect(await stream.ended(SWEEP_AND_MARGIN_MS)).toMatchObject({ retry: '1000' });
        expect((await open(first, '/api/v1/me/feature-events', key)).status).toBe(401);
      });

      it('ends a ticket’s stream when the ticket expires, not before', async () => {
        const tenant = (await api(first, admin.token).get('/api/v1/tenants/acme').expect(200)).body as { id: string };
        const expiresAt = Math.floor(Date.now() / 1000) + 2;
        const ticket = first.app.get(StreamTickets).issue(tenant.id, expiresAt, '0');
        const openedAt = Date.now();
        // The ticket route is public: the header the client sends is not read.
        const stream = await open(first, `/ofrep/v1/feature-events?ticket=${encodeURIComponent(ticket)}`, 'unused');
        expect(stream.status).toBe(200);
        expect(await stream.ended(SWEEP_AND_MARGIN_MS)).toMatchObject({ retry: '1000' });
        expect(Date.now()).toBeGreaterThanOrEqual(expiresAt * 1000);
        expect(Date.now() - openedAt).toBeGreaterThanOrEqual(900);
      });
    });

    it('never sends one tenant’s changes to another, and refuses another tenant’s stream', async () => {
      const stream = await open(first, '/api/v1/me/feature-events', tenantClient.token);
      await api(first, admin.token).post('/api/v1/tenants/globex/features/beta/enable').expect(200);
      await api(first, admin.token).post('/api/v1/tenants/acme/features/delta/disable').expect(200);
      expect((await stream.next()).data).toMatchObject({ key: 'delta', enabled: false });
      expect(stream.pending).toBe(0);
      const other = await open(first, '/api/v1/tenants/globex/feature-events', tenantClient.token);
      expect(other.status).toBe(404);
      expect((await open(first, '/api/v1/me/feature-events', admin.token)).status).toBe(403);
      expect((await open(first, '/api/v1/me/feature-events', tenantClient.token, 'not-an-id')).status).toBe(400);
    });
  });
});
