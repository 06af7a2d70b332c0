import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/infra/database/embedded-postgres.js';
import { loadMigrations, migrateSchema, MigrationError, type Migration } from '../../src/infra/database/migrator.js';
import { DatabaseService } from '../../src/infra/database/database.service.js';
import { controlMigrationsDirectory, tenantMigrationsDirectory } from '../../src/infra/project-paths.js';
import { schemasBehind, migrateTenantSchemas } from '../../src/tenants/tenant-schema-migrator.js';
import { TenantMigrationsService } from '../../src/tenants/tenant-migrations.service.js';
import { TenantStorageRepository } from '../../src/tenants/tenant-storage.repository.js';
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
    const { rows } = await pool.query(
      'SELECT migration_name, checksum, finished_at FROM tenantry._prisma_migrations ORDER BY migration_name',
    );
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
    const storage = testApp.app.get(TenantStorageRepository);
    const failing: Migration[] = [{ name: '20991231000000_fails', sql: 'SELECT no_such_function();', checksum: 'e'.repeat(64) }];
    await expect(
      storage.create(
        { id: crypto.randomUUID(), slug: 'half', name: 'half', placement: 'isolated', schemaName: 'tenant_half' },
        failing,
        async () => {},
      ),
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

  it('repairs a schema recorded as behind, and leaves up-to-date ones alone', async () => {
    const tenants = testApp.app.get(TenantsService);
    await tenants.create({ slug: 'summary-a' });
    await pool.query(
      `DROP TABLE tenant_summary_a.tenant_features;
       DELETE FROM tenant_summary_a._prisma_migrations
         WHERE migration_name IN ('20261121000000_init', '20261121020000_feature_state_origin');
       UPDATE tenantry.tenant_schemas SET migration = NULL WHERE schema_name = 'tenant_summary_a'`,
    );
    const summary = await testApp.app.get(TenantMigrationsService).migrateAll();
    expect(summary).toMatchObject({ total: 1, done: 1, skipped: 0, failed: 0, failures: [] });
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM tenant_summary_a._prisma_migrations');
    expect(rows[0].n).toBe(tenantMigrations.length);
    expect((await testApp.app.get(TenantMigrationsService).migrateAll()).total).toBe(0);
  });

  describe('a new migration across every tenant schema', () => {
    const extra: Migration[] = [
      ...tenantMigrations,
      {
        name: '20991231000000_notes',
        sql: 'CREATE TABLE "notes" ("tenant_id" UUID NOT NULL, "body" TEXT NOT NULL)',
        checksum: 'a'.repeat(64),
      },
    ];

    it('migrates every schema with bounded concurrency; one failure does not stop the others, and a rerun resumes', async () => {
      const tenants = testApp.app.get(TenantsService);
      for (const slug of ['wide-a', 'wide-b', 'wide-c', 'wide-d']) await tenants.create({ slug });
      await tenants.create({ slug: 'wide-pooled', placement: 'pooled' });
      // wide-b already has a table the migration creates: it fails there, only there.
      await pool.query('CREATE TABLE tenant_wide_b.notes (x int)');
      const behind = await schemasBehind(pool, extra);
      expect(behind).toEqual(expect.arrayContaining(['tenant_wide_a', 'tenant_wide_b', 'tenants_pooled']));
      const progress: number[] = [];
      const first = await migrateTenantSchemas(pool, behind, extra, {
        concurrency: 3,
        onProgress: (step) => progress.push(step.done + step.skipped + step.failed),
      });
      expect(first).toMatchObject({ total: behind.length, done: behind.length - 1, failed: 1 });
      expect(first.failures).toEqual([{ schema: 'tenant_wide_b', error: expect.stringContaining('already exists') }]);
      expect(progress.at(-1)).toBe(behind.length);
      expect(await schemasBehind(pool, extra)).toEqual(['tenant_wide_b']);

      // The pooled schema's new table is under row-level security like the others.
      const policies = await pool.query("SELECT 1 FROM pg_policies WHERE schemaname = 'tenants_pooled' AND tablename = 'notes'");
      expect(policies.rowCount).toBe(1);

      await pool.query('DROP TABLE tenant_wide_b.notes');
      const rerun = await migrateTenantSchemas(pool, await schemasBehind(pool, extra), extra, { concurrency: 3 });
      expect(rerun).toMatchObject({ total: 1, done: 1, failed: 0 });
      expect(await schemasBehind(pool, extra)).toEqual([]);
    });

    it('lets two runners work at once: each schema is migrated exactly once', async () => {
      const more: Migration[] = [
        ...extra,
        { name: '20991231000001_more', sql: 'ALTER TABLE "notes" ADD COLUMN "more" INT', checksum: 'b'.repeat(64) },
      ];
      const behind = await schemasBehind(pool, more);
      const [one, two] = await Promise.all([
        migrateTenantSchemas(pool, behind, more, { concurrency: 2 }),
        migrateTenantSchemas(pool, [...behind].reverse(), more, { concurrency: 2 }),
      ]);
      expect(one.failed + two.failed).toBe(0);
      expect(one.done + two.done).toBe(behind.length);
      expect(one.skipped + two.skipped).toBe(behind.length);
      const { rows } = await pool.query(
        "SELECT count(*)::int AS n FROM tenant_wide_a._prisma_migrations WHERE migration_name = '20991231000001_more'",
      );
      expect(rows[0].n).toBe(1);
    });
  });
});

describe('embedded PostgreSQL', () => {
  it('keeps concurrent connections’ queries apart and keeps serving after a failed one', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tenantry-concurrency-'));
    const embedded = await startEmbeddedPostgres(dataDir);
    const pool = new pg.Pool({ ...embedded.connection, max: 8 });
    try {
      // Parameterised queries use the backend's one unnamed statement; interleaved, they answered each other's.
      const inTransaction = async (n: number) => {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const result = await client.query(`SELECT $1::int AS n, ${n} AS statement`, [n]);
          await client.query('COMMIT');
          return result;
        } finally {
          client.release();
        }
      };
      const answers = await Promise.all(
        Array.from({ length: 400 }, (_, n) => (n % 2 ? inTransaction(n) : pool.query(`SELECT $1::int AS n, ${n} AS statement`, [n]))),
      );
      expect(answers.map((answer) => answer.rows[0])).toEqual(Array.from({ length: 400 }, (_, n) => ({ n, statement: n })));
      const failures = await Promise.allSettled(
        Array.from({ length: 20 }, () => pool.query('SELECT no_such_column FROM pg_class WHERE oid = $1', [1])),
      );
      expect(failures.every((failure) => failure.status === 'rejected')).toBe(true);
      expect((await pool.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
    } finally {
      await pool.end();
      await embedded.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

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
