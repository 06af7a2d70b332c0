import * as oauth from 'openid-client';
import { DatabaseService } from '../../src/infra/database/database.service.js';
import { ClientsService } from '../../src/oidc/clients.service.js';
import { OidcService } from '../../src/oidc/oidc.service.js';
import { TenantRemovalService } from '../../src/tenants/tenant-removal.service.js';
import { TenantLifecycle } from '../../src/tenants/tenant-lifecycle.js';
import { TenantsService } from '../../src/tenants/tenants.service.js';
import { api, clientWithToken, expectProblem, type TestClient } from '../support/api.js';
import { discoverClient, startTestApp, type TestApp } from '../support/test-app.js';

describe('tenant lifecycle', () => {
  let testApp: TestApp;
  let admin: string;
  let clients: ClientsService;

  const query = async (sql: string, values: unknown[] = []) => (await testApp.app.get(DatabaseService).pool.query(sql, values)).rows;
  const schemaExists = async (name: string) => (await query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [name])).length === 1;

  /** A tenant with a user, a confidential tenant client and its token. */
  async function populatedTenant(
    slug: string,
    placement: 'isolated' | 'pooled',
  ): Promise<TestClient & { tenantId: string; userId: string }> {
    const created = await api(testApp, admin).post('/api/v1/tenants', { slug, placement }).expect(201);
    const user = await api(testApp, admin)
      .post(`/api/v1/tenants/${slug}/users`, { email: `someone@${slug}.test`, password: 'a long enough passphrase' })
      .expect(201);
    const client = await clientWithToken(testApp, clients, { tenantSlug: slug, scopes: ['features:read features:write'] });
    return { ...client, tenantId: created.body.id, userId: user.body.id };
  }

  beforeAll(async () => {
    testApp = await startTestApp();
    clients = testApp.app.get(ClientsService);
    admin = (await clientWithToken(testApp, clients)).token;
    await api(testApp, admin).post('/api/v1/features', { key: 'reports', defaultEnabled: true }).expect(201);
  });

  afterAll(async () => {
    await testApp.close();
  });

  describe('creation', () => {
    it('creates an isolated tenant with its own schema and a pooled one in the shared schema, both seeded with the catalogue defaults', async () => {
      const isolated = await api(testApp, admin).post('/api/v1/tenants', { slug: 'own-schema', placement: 'isolated' }).expect(201);
      const pooled = await api(testApp, admin).post('/api/v1/tenants', { slug: 'shared', placement: 'pooled' }).expect(201);
      expect(isolated.body).toMatchObject({ placement: 'isolated', status: 'active' });
      expect(pooled.body).toMatchObject({ placement: 'pooled', status: 'active' });
      expect(await schemaExists('tenant_own_schema')).toBe(true);
      expect(await schemaExists('tenant_shared')).toBe(false);
      expect(await query('SELECT feature_key, enabled, origin FROM tenant_own_schema.tenant_features')).toEqual([
        { feature_key: 'reports', enabled: true, origin: 'seed' },
      ]);
      expect(
        await query('SELECT feature_key, enabled, origin FROM tenants_pooled.tenant_features WHERE tenant_id = $1', [pooled.body.id]),
      ).toEqual([{ feature_key: 'reports', enabled: true, origin: 'seed' }]);
      const flags = await api(testApp, admin).get('/api/v1/tenants/shared/features').expect(200);
      expect(flags.body.items).toEqual([expect.objectContaining({ key: 'reports', enabled: true, source: 'default' })]);
    });

    it('refuses an unknown placement with a problem naming the field', async () => {
      const response = await api(testApp, admin).post('/api/v1/tenants', { slug: 'nowhere', placement: 'sharded' });
      expectProblem(response, 400);
      expect(JSON.stringify(response.body)).toContain('placement');
    });
  });

  describe('listing', () => {
    beforeAll(async () => {
      for (const slug of ['list-a', 'list-b', 'list-c'])
        await api(testApp, admin).post('/api/v1/tenants', { slug, placement: 'pooled' }).expect(201);
      await api(testApp, admin).post('/api/v1/tenants/list-b/suspend').expect(200);
    });

    it('pages through every tenant by slug', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      let total: number | undefined;
      do {
        const page = await api(testApp, admin)
          .get(`/api/v1/tenants?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
          .expect(200);
        expect(page.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.body.items.map((tenant: { slug: string }) => tenant.slug));
        cursor = page.body.nextCursor ?? undefined;
        total = page.body.total;
      } while (cursor);
      expect(seen).toEqual([...seen].sort());
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.length).toBe(total);
      expect(seen).toEqual(expect.arrayContaining(['list-a', 'list-b', 'list-c']));
    });

    it('filters by placement and status', async () => {
      const pooledSuspended = await api(testApp, admin).get('/api/v1/tenants?placement=pooled&status=suspended').expect(200);
      expect(pooledSuspended.body).toMatchObject({ total: 1, nextCursor: null, items: [expect.objectContaining({ slug: 'list-b' })] });
      const isolated = await api(testApp, admin).get('/api/v1/tenants?placement=isolated').expect(200);
      expect(isolated.body.items.every((tenant: { placement: string }) => tenant.placement === 'isolated')).toBe(true);
    });

    it('refuses a bad filter, limit or cursor', async () => {
      expectProblem(await api(testApp, admin).get('/api/v1/tenants?placement=elsewhere'), 400);
      expectProblem(await api(testApp, admin).get('/api/v1/tenants?limit=0'), 400);
      expectProblem(await api(testApp, admin).get('/api/v1/tenants?limit=9999'), 400);
      expectProblem(await api(testApp, admin).get('/api/v1/tenants?cursor=!!!'), 400, 'TENANT_QUERY_INVALID');
      expectProblem(await api(testApp, admin).get('/api/v1/tenants?sort=name'), 400);
    });
  });

  describe.each(['isolated', 'pooled'] as const)('suspension (%s)', (placement) => {
    it('stops the tenant’s tokens at once, refuses new ones, and resume brings both back', async () => {
      const slug = `pause-${placement}`;
      const tenant = await populatedTenant(slug, placement);
      await api(testApp, tenant.token).get('/api/v1/me/features').expect(200);

      const suspended = await api(testApp, admin).post(`/api/v1/tenants/${slug}/suspend`).expect(200);
      expect(suspended.body.status).toBe('suspended');
      // The tenant's own tokens, a platform token, OFREP and the change stream: one answer.
      expectProblem(await api(testApp, tenant.token).get('/api/v1/me/features'), 403, 'TENANT_SUSPENDED');
      expectProblem(await api(testApp, tenant.token).post('/ofrep/v1/evaluate/flags', { context: {} }), 403, 'TENANT_SUSPENDED');
      expectProblem(await api(testApp, tenant.token).get('/api/v1/me/feature-events'), 403, 'TENANT_SUSPENDED');
      const configuration = await discoverClient(testApp, tenant.clientId, tenant.clientSecret);
      // invalid_client, as a 401 with its Basic challenge (RFC 6749 §5.2).
      await expect(oauth.clientCredentialsGrant(configuration, { scope: 'features:read' })).rejects.toMatchObject({
        status: 401,
        cause: [expect.objectContaining({ scheme: 'basic', parameters: expect.objectContaining({ error: 'invalid_client' }) })],
      });
      await api(testApp, admin).post(`/api/v1/tenants/${slug}/suspend`).expect(200);
      expectProblem(await api(testApp, admin).get(`/api/v1/tenants/${slug}/features`), 403, 'TENANT_SUSPENDED');

      await api(testApp, admin).post(`/api/v1/tenants/${slug}/resume`).expect(200);
      await api(testApp, tenant.token).get('/api/v1/me/features').expect(200);
      const fresh = await oauth.clientCredentialsGrant(configuration, { scope: 'features:read' });
      await api(testApp, fresh.access_token).get('/api/v1/me/features').expect(200);
    });
  });

  describe.each(['isolated', 'pooled'] as const)('deletion (%s)', (placement) => {
    it('revokes tokens and grants, removes clients and data, and leaves other tenants alone', async () => {
      const slug = `gone-${placement}`;
      const neighbour = await populatedTenant(`stays-${placement}`, placement);
      const tenant = await populatedTenant(slug, placement);
      const provider = testApp.app.get(OidcService).provider;
      const grantId = await new provider.Grant({ accountId: tenant.userId, clientId: tenant.clientId }).save();
      expect(await provider.Grant.find(grantId)).toBeDefined();

      await api(testApp, admin).delete(`/api/v1/tenants/${slug}`).expect(204);

      expectProblem(await api(testApp, tenant.token).get('/api/v1/me/features'), 401);
      expectProblem(await api(testApp, admin).get(`/api/v1/tenants/${slug}`), 404, 'TENANT_NOT_FOUND');
      expect(await query('SELECT 1 FROM tenantry.clients WHERE tenant_id = $1', [tenant.tenantId])).toEqual([]);
      expect(await provider.Grant.find(grantId)).toBeUndefined();
      expect(await query(`SELECT 1 FROM tenantry.oidc_payloads WHERE payload->>'clientId' = $1`, [tenant.clientId])).toEqual([]);
      expect(await schemaExists(`tenant_gone_${placement}`)).toBe(false);
      expect(await query('SELECT 1 FROM tenants_pooled.users WHERE tenant_id = $1', [tenant.tenantId])).toEqual([]);
      expect(await query('SELECT 1 FROM tenants_pooled.tenant_features WHERE tenant_id = $1', [tenant.tenantId])).toEqual([]);
      expect(await query('SELECT 1 FROM tenantry.tenant_schemas WHERE schema_name = $1', [`tenant_gone_${placement}`])).toEqual([]);
      // Deleting again is a plain 404, not an error.
      expectProblem(await api(testApp, admin).delete(`/api/v1/tenants/${slug}`), 404, 'TENANT_NOT_FOUND');

      await api(testApp, neighbour.token).get('/api/v1/me/features').expect(200);
      const users = await api(testApp, admin).get(`/api/v1/tenants/stays-${placement}/users`).expect(200);
      expect(users.body.items).toHaveLength(1);
    });

    it('finishes a deletion that crashed half-way, at the next attempt or the next start', async () => {
      const slug = `half-${placement}`;
      const tenant = await populatedTenant(slug, placement);
      // Crash after step 2: status 'deleting', clients and grants gone, data still there.
      const tenants = testApp.app.get(TenantsService);
      await testApp.app.get(DatabaseService).pool.query("UPDATE tenantry.tenants SET status = 'deleting' WHERE slug = $1", [slug]);
      await tenants.announce({ id: tenant.tenantId });
      await testApp.app.get(TenantLifecycle).deleting(await tenants.getFresh(slug));
      expectProblem(await api(testApp, admin).get(`/api/v1/tenants/${slug}/features`), 404, 'TENANT_NOT_FOUND');

      expect(await testApp.app.get(TenantRemovalService).finishInterrupted()).toBe(1);
      expect(await query('SELECT 1 FROM tenantry.tenants WHERE id = $1', [tenant.tenantId])).toEqual([]);
      expect(await query('SELECT 1 FROM tenants_pooled.users WHERE tenant_id = $1', [tenant.tenantId])).toEqual([]);
      expect(await schemaExists(`tenant_half_${placement}`)).toBe(false);
    });
  });
});
