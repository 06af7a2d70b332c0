import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/infra/database/embedded-postgres.js';
import { loadMigrations, migrateSchema, MigrationError, type Migration } from '../../src/infra/database/migrator.js';
import { DatabaseService } from '../../src/infra/database/database.service.js';
import { controlMigrationsDirectory, tenantMigrationsDirectory } from '../../src/infra/project-paths.js';
import { TenantsRepository } from '../../src/tenants/tenants.repository.js';
import { TenantsService } from '../../src/tenants/tenants.service.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('migrations and tenant provisioning', () => {
  let testApp: TestApp;
  let pool: pg.Pool;
  const tenantMigrations = loadMigrations(tenantMigrationsDirectory);

  beforeAll(async () => {
    testApp = await startTestApp();
    pool = testApp.app.get(DatabaseService).pool;
  });

  afterAll(async () => {
    await testApp.close();
  });

  async function schemaExists(name: string): Promise<boolean> {
    const { rowCount } = await pool.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [name]);
    return rowCount === 1;
  }

  it('records migrations in Prisma’s own history table', async () => {
    const { rows } = await pool.query('SELECT migration_name, checksum, finished_at FROM tenantry._prisma_migrations ORDER BY migration_name');
    const control = loadMigrations(controlMigrationsDirectory);
    expect(rows.map((row) => row.migration_name)).toEqual(control.map((migration) => migration.name));
    expect(rows.map((row) => row.checksum)).toEqual(control.map((migration) => migration.checksum));
    expect(rows.every((row) => row.finished_at instanceof Date)).toBe(true);
  });

  it('is idempotent: a second run applies nothing', async () => {
    expect(await migrateSchema(pool, 'idempotent_check', tenantMigrations)).toEqual({
      schema: 'idempotent_check',
      applied: tenantMigrations.map((migration) => migration.name),
    });
    expect(await migrateSchema(pool, 'idempotent_check', tenantMigrations)).toEqual({ schema: 'idempotent_check', applied: [] });
  });

  it('lets two instances migrate the same schema at once: the lock serialises them and one applies', async () => {
    const results = await Promise.all([
      migrateSchema(pool, 'concurrent_check', tenantMigrations),
      migrateSchema(pool, 'concurrent_check', tenantMigrations),
      migrateSchema(pool, 'concurrent_check', tenantMigrations),
    ]);
    expect(results.map((result) => result.applied.length).sort()).toEqual([0, 0, tenantMigrations.length]);
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM concurrent_check._prisma_migrations');
    expect(rows[0].n).toBe(tenantMigrations.length);
  });

  it('refuses to run when an applied migration was edited', async () => {
    await migrateSchema(pool, 'checksum_check', tenantMigrations);
    const edited: Migration[] = tenantMigrations.map((migration) => ({ ...migration, checksum: '0'.repeat(64) }));
    await expect(migrateSchema(pool, 'checksum_check', edited)).rejects.toThrow(MigrationError);
  });

  it('rolls a failing migration back whole: no schema, no history row', async () => {
    const broken: Migration[] = [
      ...tenantMigrations,
      { name: '20991231000000_broken', sql: 'CREATE TABLE half_done (id int); SELECT no_such_function();', checksum: 'f'.repeat(64) },
    ];
    await expect(migrateSchema(pool, 'broken_check', broken)).rejects.toThrow(/no_such_function/);
    expect(await schemaExists('broken_check')).toBe(false);
  });

  it('creates a tenant’s row and schema together, or neither', async () => {
    const repository = testApp.app.get(TenantsRepository);
    const failing: Migration[] = [{ name: '20991231000000_fails', sql: 'SELECT no_such_function();', checksum: 'e'.repeat(64) }];
    await expect(
      repository.createWithSchema({ id: crypto.randomUUID(), slug: 'half', name: 'half', placement: 'isolated', schemaName: 'tenant_half' }, failing),
    ).rejects.toThrow();
    expect(await repository.findBySlug('half')).toBeUndefined();
    expect(await schemaExists('tenant_half')).toBe(false);

    const tenants = testApp.app.get(TenantsService);
    const created = await tenants.create({ slug: 'half' });
    expect(await schemaExists(created.schemaName)).toBe(true);
  });

  it('lets only one of two concurrent creations of a slug win', async () => {
    const tenants = testApp.app.get(TenantsService);
    const results = await Promise.allSettled([tenants.create({ slug: 'race' }), tenants.create({ slug: 'race' })]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((result) => result.status === 'rejected')).toMatchObject({ reason: { code: 'TENANT_SLUG_TAKEN' } });
  });

  it('migrates every tenant schema and reports the summary', async () => {
    const tenants = testApp.app.get(TenantsService);
    await tenants.create({ slug: 'summary-a' });
    await pool.query(
      "DROP TABLE tenant_summary_a.tenant_features; DELETE FROM tenant_summary_a._prisma_migrations WHERE migration_name = '20261121000000_init'",
    );
    const summary = await tenants.migrateAll();
    expect(summary.failed).toEqual([]);
    expect(summary.applied).toEqual([{ schema: 'tenant_summary_a', applied: ['20261121000000_init'] }]);
    expect(summary.done).toBe((await tenants.list()).length);
  });
});

describe('embedded PostgreSQL', () => {
  it('keeps data across a restart and lets a second process join the running one', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tenantry-durability-'));
    try {
      const first = await startEmbeddedPostgres(dataDir);
      expect(first.owned).toBe(true);
      const joined = await startEmbeddedPostgres(dataDir);
      expect(joined.owned).toBe(false);
      const writer = new pg.Client(joined.connection);
      await writer.connect();
      await writer.query("CREATE TABLE survives (note text); INSERT INTO survives VALUES ('written before restart')");
      await writer.end();
      await first.stop();

      const second = await startEmbeddedPostgres(dataDir);
      expect(second.owned).toBe(true);
      const reader = new pg.Client(second.connection);
      await reader.connect();
      const { rows } = await reader.query('SELECT note FROM survives');
      await reader.end();
      await second.stop();
      expect(rows).toEqual([{ note: 'written before restart' }]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
