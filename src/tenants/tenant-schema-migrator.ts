import type { Pool } from 'pg';
import { applyMigrationsInTransaction, inTransaction, type Migration } from '../infra/database/migrator.js';
import { CONTROL_SCHEMA, POOLED_SCHEMA, quoteSchema } from '../infra/database/schema-names.js';
import { securePooledSchema } from './pooled-security.js';

export type SchemaOutcome = 'done' | 'skipped' | 'failed';

export interface SchemaMigrationProgress {
  total: number;
  done: number;
  skipped: number;
  failed: number;
}

export interface TenantSchemasSummary extends SchemaMigrationProgress {
  failures: { schema: string; error: string }[];
  durationMs: number;
}

export interface MigrateTenantSchemasOptions {
  /** Schemas migrated at once; each uses one pooled connection. */
  concurrency: number;
  onProgress?: (progress: SchemaMigrationProgress) => void;
}

export function latestMigration(migrations: Migration[]): string | null {
  return migrations.at(-1)?.name ?? null;
}

/**
 * The tenant schemas whose recorded migration is behind the newest one.
 * Migration names start with a timestamp, so text order is apply order.
 */
export async function schemasBehind(pool: Pool, migrations: Migration[]): Promise<string[]> {
  const latest = latestMigration(migrations);
  if (latest === null) return [];
  const { rows } = await pool.query<{ schema_name: string }>(
    `SELECT "schema_name" FROM ${quoteSchema(CONTROL_SCHEMA)}."tenant_schemas"
     WHERE "migration" IS NULL OR "migration" < $1 ORDER BY "schema_name"`,
    [latest],
  );
  return rows.map((row) => row.schema_name);
}

/**
 * Migrates one tenant schema in one transaction, under that schema's advisory
 * lock (see applyMigrationsInTransaction): a crash leaves it either migrated
 * and recorded, or untouched, so a rerun resumes; a second instance doing the
 * same waits, then finds nothing to do.
 */
export async function migrateTenantSchema(pool: Pool, schemaName: string, migrations: Migration[]): Promise<string[]> {
  return inTransaction(pool, async (client) => {
    // The row lock keeps a tenant deletion from dropping the schema under us,
    // and a schema deleted since it was listed is not created again.
    const registry = `${quoteSchema(CONTROL_SCHEMA)}."tenant_schemas"`;
    const registered = await client.query(`SELECT 1 FROM ${registry} WHERE "schema_name" = $1 FOR UPDATE`, [schemaName]);
    if (!registered.rowCount) return [];
    const applied = await applyMigrationsInTransaction(client, schemaName, migrations);
    // Only when the tables changed: re-creating policies locks every pooled tenant out for a moment.
    if (schemaName === POOLED_SCHEMA && applied.length > 0) await securePooledSchema(client);
    await client.query(`UPDATE ${registry} SET "migration" = $2, "migrated_at" = now() WHERE "schema_name" = $1`, [
      schemaName,
      latestMigration(migrations),
    ]);
    return applied;
  });
}

/**
 * Migrates many tenant schemas with bounded concurrency. One schema failing
 * does not stop the others; it is counted and reported.
 */
export async function migrateTenantSchemas(
  pool: Pool,
  schemas: string[],
  migrations: Migration[],
  options: MigrateTenantSchemasOptions,
): Promise<TenantSchemasSummary> {
  const started = performance.now();
  const summary: TenantSchemasSummary = { total: schemas.length, done: 0, skipped: 0, failed: 0, failures: [], durationMs: 0 };
  const report = (): void =>
    options.onProgress?.({ total: summary.total, done: summary.done, skipped: summary.skipped, failed: summary.failed });
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < schemas.length) {
      const schemaName = schemas[next++]!;
      try {
        const applied = await migrateTenantSchema(pool, schemaName, migrations);
        if (applied.length > 0) summary.done += 1;
        else summary.skipped += 1;
      } catch (error) {
        summary.failed += 1;
        summary.failures.push({ schema: schemaName, error: error instanceof Error ? error.message : String(error) });
      }
      report();
    }
  };
  report();
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, schemas.length)) }, worker));
  summary.durationMs = Math.round(performance.now() - started);
  return summary;
}
