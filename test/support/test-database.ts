import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/infra/database/embedded-postgres.js';
import { loadMigrations, migrateSchema } from '../../src/infra/database/migrator.js';
import { CONTROL_SCHEMA } from '../../src/infra/database/schema-names.js';
import { controlMigrationsDirectory } from '../../src/infra/project-paths.js';

/**
 * Each test file gets its own database cloned from a migrated template:
 * `CREATE DATABASE ... TEMPLATE` on a PostgreSQL server (DATABASE_URL), or a
 * copy of a migrated PGlite data directory otherwise. The template is named
 * by the migrations' checksums, built once by whichever test file needs it
 * first (under a lock) and reused until a migration changes.
 */
export const TEST_DATABASE_PREFIX = 'tenantry_test_';

export interface TestDatabase {
  /** Environment for loadConfig: DATABASE_URL, or DATA_DIR for the embedded database. */
  env: Record<string, string>;
  kind: 'server' | 'embedded';
  drop(): Promise<void>;
}

const migrations = loadMigrations(controlMigrationsDirectory);
const templateTag = createHash('sha256')
  .update(migrations.map((migration) => migration.checksum).join(','))
  .digest('hex')
  .slice(0, 12);

export function databaseUrlFor(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.href;
}

async function migrateControlPlane(connection: pg.PoolConfig): Promise<void> {
  const pool = new pg.Pool({ ...connection, max: 1 });
  try {
    await migrateSchema(pool, CONTROL_SCHEMA, migrations);
  } finally {
    await pool.end();
  }
}

async function cloneOnServer(serverUrl: string): Promise<TestDatabase> {
  const template = `${TEST_DATABASE_PREFIX}template_${templateTag}`;
  const name = `${TEST_DATABASE_PREFIX}${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: databaseUrlFor(serverUrl, 'postgres') });
  await admin.connect();
  try {
    await admin.query("SELECT pg_advisory_lock(hashtext('tenantry-test-template'))");
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    if (!rowCount) {
      const building = `${template}_building`;
      await admin.query(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
      await admin.query(`CREATE DATABASE "${building}"`);
      await migrateControlPlane({ connectionString: databaseUrlFor(serverUrl, building) });
      await admin.query(`ALTER DATABASE "${building}" RENAME TO "${template}"`);
    }
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
    await admin.query("SELECT pg_advisory_unlock(hashtext('tenantry-test-template'))");
  } finally {
    await admin.end();
  }
  return {
    kind: 'server',
    env: { DATABASE_URL: databaseUrlFor(serverUrl, name) },
    async drop() {
      const client = new pg.Client({ connectionString: databaseUrlFor(serverUrl, 'postgres') });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).finally(() => client.end());
    },
  };
}

async function embeddedTemplate(): Promise<string> {
  const template = join(tmpdir(), `tenantry-template-${templateTag}`);
  const lock = `${template}.lock`;
  for (let attempt = 0; !existsSync(template); attempt += 1) {
    try {
      mkdirSync(lock);
    } catch {
      if (attempt > 600) throw new Error(`timed out waiting for ${lock}; remove it if no test run is building the template`);
      await sleep(100);
      continue;
    }
    try {
      const building = mkdtempSync(join(tmpdir(), 'tenantry-template-building-'));
      const embedded = await startEmbeddedPostgres(building);
      try {
        await migrateControlPlane(embedded.connection);
      } finally {
        await embedded.stop();
      }
      renameSync(building, template);
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  return template;
}

async function cloneEmbedded(): Promise<TestDatabase> {
  const template = await embeddedTemplate();
  const dataDir = mkdtempSync(join(tmpdir(), 'tenantry-'));
  cpSync(join(template, 'pgdata'), join(dataDir, 'pgdata'), { recursive: true });
  return {
    kind: 'embedded',
    env: { DATA_DIR: dataDir },
    drop: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

export function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  return serverUrl ? cloneOnServer(serverUrl) : cloneEmbedded();
}
