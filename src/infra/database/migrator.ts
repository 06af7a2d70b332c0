import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pool, PoolClient } from 'pg';
import { quoteSchema } from './schema-names.js';

export interface Migration {
  name: string;
  sql: string;
  /** SHA-256 of migration.sql, as Prisma records it. */
  checksum: string;
}

export interface MigrationResult {
  schema: string;
  applied: string[];
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/** Reads a Prisma-layout folder: `<timestamp>_<name>/migration.sql`, in name order. */
export function loadMigrations(directory: string): Migration[] {
  return readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(directory, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

// Prisma's own history table, so `prisma migrate status/deploy` on a machine
// with the schema engine reads the same history we write.
const HISTORY_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"            VARCHAR(64) NOT NULL,
    "finished_at"         TIMESTAMPTZ,
    "migration_name"      VARCHAR(255) NOT NULL,
    "logs"                TEXT,
    "rolled_back_at"      TIMESTAMPTZ,
    "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

/**
 * Applies pending migrations to one schema in one transaction, under a
 * transaction-scoped advisory lock keyed by the schema name: two instances
 * starting together serialize, and the second finds nothing left to do.
 * (A session-level lock would hang the embedded database, which runs one
 * backend for every connection.)
 */
export async function migrateSchema(pool: Pool, schemaName: string, migrations: Migration[]): Promise<MigrationResult> {
  const applied = await inTransaction(pool, (client) => applyMigrationsInTransaction(client, schemaName, migrations));
  return { schema: schemaName, applied };
}

/** Runs work in one transaction on one pooled connection: committed if it returns, rolled back if it throws. */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * The body of migrateSchema, for a caller that already holds a transaction and
 * wants the schema to commit or vanish together with its own writes (tenant
 * creation). Leaves search_path reset to its previous value at commit.
 */
export async function applyMigrationsInTransaction(client: PoolClient, schemaName: string, migrations: Migration[]): Promise<string[]> {
  const schema = quoteSchema(schemaName);
  await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`tenantry:migrate:${schemaName}`]);
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  await client.query(`SET LOCAL search_path TO ${schema}`);
  await client.query(HISTORY_TABLE);
  const { rows } = await client.query<{ migration_name: string; checksum: string }>(
    'SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
  );
  const done = new Map(rows.map((row) => [row.migration_name, row.checksum]));
  const applied: string[] = [];
  for (const migration of migrations) {
    const recorded = done.get(migration.name);
    if (recorded !== undefined) {
      if (recorded !== migration.checksum) {
        throw new MigrationError(`migration ${migration.name} in schema ${schemaName} was changed after it was applied`);
      }
      continue;
    }
    await client.query(migration.sql);
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), now(), 1)`,
      [randomUUID(), migration.checksum, migration.name],
    );
    applied.push(migration.name);
  }
  return applied;
}
