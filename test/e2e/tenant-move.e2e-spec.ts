import { runCli } from '../../src/cli/run-cli.js';
import { ChangeBus } from '../../src/infra/database/change-bus.service.js';
import { DatabaseService } from '../../src/infra/database/database.service.js';
import { ClientsService } from '../../src/oidc/clients.service.js';
import { TenantMoveService } from '../../src/tenants/tenant-move.service.js';
import { TenantStorageRepository } from '../../src/tenants/tenant-storage.repository.js';
import { TenantsService } from '../../src/tenants/tenants.service.js';
import { api, clientWithToken } from '../support/api.js';
import { startTestApp, TEST_SECRET_KEY, type TestApp } from '../support/test-app.js';

const WRITES = 1_200;
const WRITERS = 24;

describe('moving a tenant between placements, online', () => {
  let testApp: TestApp;
  let admin: string;

  const query = async (sql: string, values: unknown[] = []) => (await testApp.app.get(DatabaseService).pool.query(sql, values)).rows;
  const schemaExists = async (name: string) => (await query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [name])).length === 1;

  beforeAll(async () => {
    testApp = await startTestApp({ TENANT_MOVE_GRACE: '1' });
    admin = (await clientWithToken(testApp, testApp.app.get(ClientsService))).token;
    // A catalogue big enough for every concurrent write to have a key of its own.
    await query(
      `INSERT INTO tenantry.features (key, description, default_enabled, updated_at)
       SELECT 'flag-' || n, '', false, now() FROM generate_series(0, $1::int - 1) AS n`,
      [WRITES],
    );
    await testApp.app.get(ChangeBus).publish({ topic: 'feature', key: '*' });
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('moves isolated → pooled → isolated with every row, switches routing, and removes the old copy', async () => {
    const created = await api(testApp, admin).post('/api/v1/tenants', { slug: 'mover', placement: 'isolated' }).expect(201);
    await api(testApp, admin)
      .post('/api/v1/tenants/mover/users', { email: 'ann@mover.test', password: 'a long enough passphrase' })
      .expect(201);
    await api(testApp, admin).put('/api/v1/tenants/mover/features/flag-7', { enabled: true }).expect(200);

    const toPooled = await api(testApp, admin).post('/api/v1/tenants/mover/move', { placement: 'pooled' }).expect(200);
    // The seeded flags, the user, and the log of the one change.
    expect(toPooled.body).toMatchObject({ placement: 'pooled', from: 'isolated', copiedRows: WRITES + 2 });
    // The API removes the old copy after the grace period, in the background.
    await waitFor(async () => !(await schemaExists('tenant_mover')));
    expect(await query('SELECT email FROM tenants_pooled.users WHERE tenant_id = $1', [created.body.id])).toEqual([
      { email: 'ann@mover.test' },
    ]);
    const flag = await api(testApp, admin).get('/api/v1/tenants/mover/features/flag-7').expect(200);
    expect(flag.body).toMatchObject({ enabled: true, source: 'tenant' });

    const cli = await runCliJson(['tenants:move', 'mover', '--placement', 'isolated', '--json']);
    expect(cli).toMatchObject({ slug: 'mover', placement: 'isolated', from: 'pooled', copiedRows: WRITES + 2 });
    expect(await schemaExists('tenant_mover')).toBe(true);
    expect(await query('SELECT 1 FROM tenants_pooled.users WHERE tenant_id = $1', [created.body.id])).toEqual([]);
    expect(await query('SELECT 1 FROM tenants_pooled.tenant_features WHERE tenant_id = $1', [created.body.id])).toEqual([]);
    // The CLI announced the move over NOTIFY; the embedded database cannot carry
    // that between connections, where the server would learn it within its cache TTL.
    await testApp.app.get(TenantsService).announce({ id: created.body.id });
    const users = await api(testApp, admin).get('/api/v1/tenants/mover/users').expect(200);
    expect(users.body.items).toEqual([expect.objectContaining({ email: 'ann@mover.test' })]);

    const again = await api(testApp, admin).post('/api/v1/tenants/mover/move', { placement: 'isolated' }).expect(200);
    expect(again.body).toMatchObject({ placement: 'isolated', from: 'isolated', copiedRows: 0 });
  });

  it(`loses none of ${WRITES} acknowledged concurrent writes while the tenant moves back and forth, and serves every read`, async () => {
    await api(testApp, admin).post('/api/v1/tenants', { slug: 'busy', placement: 'isolated' }).expect(201);
    const acknowledged: string[] = [];
    const failedWrites: number[] = [];
    const failedReads: number[] = [];
    let next = 0;
    let writing = true;

    const writer = async (): Promise<void> => {
      while (next < WRITES) {
        const key = `flag-${next++}`;
        const response = await api(testApp, admin).put(`/api/v1/tenants/busy/features/${key}`, { enabled: true });
        if (response.status === 200) acknowledged.push(key);
        else failedWrites.push(response.status);
      }
    };
    const reader = async (): Promise<void> => {
      while (writing) {
        const response = await api(testApp, admin).get('/api/v1/tenants/busy/features/flag-0');
        if (response.status !== 200) failedReads.push(response.status);
      }
    };
    const moves: string[] = [];
    const mover = async (): Promise<void> => {
      const moveService = testApp.app.get(TenantMoveService);
      for (const placement of ['pooled', 'isolated', 'pooled', 'isolated'] as const) {
        while (next < (moves.length + 1) * (WRITES / 5)) await new Promise((resolve) => setTimeout(resolve, 5));
        const result = await moveService.move('busy', placement, { waitForCleanup: false });
        moves.push(`${result.from}→${result.tenant.placement}`);
      }
    };

    const writers = Promise.all(Array.from({ length: WRITERS }, writer)).finally(() => {
      writing = false;
    });
    await Promise.all([writers, reader(), reader(), mover()]);

    expect(moves).toEqual(['isolated→pooled', 'pooled→isolated', 'isolated→pooled', 'pooled→isolated']);
    expect(failedWrites).toEqual([]);
    expect(failedReads).toEqual([]);
    expect(acknowledged).toHaveLength(WRITES);
    const tenant = await testApp.app.get(TenantsService).getFresh('busy');
    const stored = await query(
      `SELECT feature_key FROM tenant_busy.tenant_features WHERE tenant_id = $1 AND enabled AND origin = 'override'`,
      [tenant.id],
    );
    const storedKeys = new Set(stored.map((row) => row.feature_key as string));
    expect(acknowledged.filter((key) => !storedKeys.has(key))).toEqual([]);
    // The audit trail moved with the data: one entry per acknowledged write, ids unique and increasing.
    const log = await query('SELECT id::text AS id FROM tenant_busy.feature_changes WHERE tenant_id = $1 ORDER BY id', [tenant.id]);
    expect(log).toHaveLength(WRITES);
    expect(new Set(log.map((row) => row.id)).size).toBe(WRITES);
    // The last move's old copy goes after the grace period, and nothing of it stays in the pool.
    await waitFor(async () => (await query('SELECT 1 FROM tenantry.tenants WHERE retired_schema IS NOT NULL')).length === 0);
    expect(await query('SELECT 1 FROM tenants_pooled.tenant_features WHERE tenant_id = $1', [tenant.id])).toEqual([]);
  });

  it('finishes a move that crashed between the switch and the removal of the old copy', async () => {
    const created = await api(testApp, admin).post('/api/v1/tenants', { slug: 'crashy', placement: 'isolated' }).expect(201);
    const tenants = testApp.app.get(TenantsService);
    // The switch committed; the process died before removing tenant_crashy.
    await testApp.app
      .get(TenantStorageRepository)
      .switchPlacement(await tenants.getFresh('crashy'), { placement: 'pooled', schemaName: 'tenants_pooled' });
    await tenants.announce({ id: created.body.id });
    expect(await tenants.getFresh('crashy')).toMatchObject({ placement: 'pooled', retiredSchema: 'tenant_crashy' });
    expect(await schemaExists('tenant_crashy')).toBe(true);

    expect(await testApp.app.get(TenantMoveService).finishInterrupted()).toBe(1);
    await waitFor(async () => !(await schemaExists('tenant_crashy')));
    expect(await tenants.getFresh('crashy')).toMatchObject({ placement: 'pooled', retiredSchema: null });
    await api(testApp, admin).get('/api/v1/tenants/crashy/features').expect(200);
  });

  async function runCliJson(argv: string[]): Promise<Record<string, unknown>> {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, {
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
      env: { ...testApp.database.env, SECRET_KEY: TEST_SECRET_KEY, PUBLIC_URL: testApp.baseUrl, LOG_LEVEL: 'warn', TENANT_MOVE_GRACE: '1' },
    });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    return JSON.parse(stdout) as Record<string, unknown>;
  }
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
