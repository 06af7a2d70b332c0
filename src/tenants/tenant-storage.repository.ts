import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { DatabaseService } from '../infra/database/database.service.js';
import { applyMigrationsInTransaction, inTransaction, type Migration } from '../infra/database/migrator.js';
import { CONTROL_SCHEMA, POOLED_SCHEMA, quoteSchema } from '../infra/database/schema-names.js';
import { tenantDataLockKey } from './tenant-locks.js';
import type { TenantCreation } from './tenant-lifecycle.js';
import { latestMigration, migrateTenantSchema } from './tenant-schema-migrator.js';
import type { Tenant, TenantPlacement } from './tenant.js';
import { TenantsError } from './tenants.errors.js';

const control = quoteSchema(CONTROL_SCHEMA);

export interface NewTenant {
  id: string;
  slug: string;
  name: string;
  placement: TenantPlacement;
  schemaName: string;
}

interface TenantTable {
  name: string;
  columns: string[];
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Whole-tenant operations that span the registry and the tenant's data (create,
 * move, remove). Each runs in transactions on one pg connection, because a
 * Prisma client is bound to one schema and these must commit or vanish as one
 * across several.
 */
@Injectable()
export class TenantStorageRepository {
  constructor(private readonly database: DatabaseService) {}

  /**
   * Registers the tenant, creates its schema when isolated, and lets the
   * modules that keep per-tenant rows write theirs (`announce`), in ONE
   * transaction: a failure anywhere leaves nothing. Undefined when the slug
   * is taken (checked under the slug's lock, so two concurrent creations of
   * one slug cannot both win).
   */
  async create(
    tenant: NewTenant,
    migrations: Migration[],
    announce: (creation: TenantCreation) => Promise<void>,
  ): Promise<Tenant | undefined> {
    return this.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`tenantry:tenant:${tenant.slug}`]);
      const existing = await client.query(`SELECT 1 FROM ${control}."tenants" WHERE "slug" = $1`, [tenant.slug]);
      if (existing.rowCount) return undefined;
      const { rows } = await client.query<{ created_at: Date }>(
        `INSERT INTO ${control}."tenants" ("id", "slug", "name", "placement", "schema_name", "status", "updated_at")
         VALUES ($1, $2, $3, $4, $5, 'active', now()) RETURNING "created_at"`,
        [tenant.id, tenant.slug, tenant.name, tenant.placement, tenant.schemaName],
      );
      if (tenant.placement === 'isolated') {
        await applyMigrationsInTransaction(client, tenant.schemaName, migrations);
        await client.query(
          `INSERT INTO ${control}."tenant_schemas" ("schema_name", "migration", "migrated_at") VALUES ($1, $2, now())
           ON CONFLICT ("schema_name") DO UPDATE SET "migration" = EXCLUDED."migration", "migrated_at" = EXCLUDED."migrated_at"`,
          [tenant.schemaName, latestMigration(migrations)],
        );
      }
      const created: Tenant = {
        ...tenant,
        status: 'active',
        retiredSchema: null,
        adminsMayToggleFlags: false,
        createdAt: rows[0]!.created_at,
      };
      await announce({
        tenant: created,
        schema: quoteSchema(tenant.schemaName),
        query: (sql, parameters) => client.query(sql, parameters),
      });
      return created;
    });
  }

  /** Creates (or brings up to date) the schema an isolated tenant is about to move into. */
  async prepareIsolatedSchema(schemaName: string, migrations: Migration[]): Promise<void> {
    await this.database.pool.query(`INSERT INTO ${control}."tenant_schemas" ("schema_name") VALUES ($1) ON CONFLICT DO NOTHING`, [
      schemaName,
    ]);
    await migrateTenantSchema(this.database.pool, schemaName, migrations);
  }

  /**
   * Copies the tenant's rows into the target schema and points the registry at
   * it, in one transaction holding the tenant's data lock exclusively: writes
   * wait for it (they hold it shared), and once it commits they re-read the
   * routing and go to the new copy. The old copy stays, recorded as retired,
   * until removeRetiredCopy. Returns the rows copied, or undefined when the
   * tenant is no longer where the caller expected it.
   */
  async switchPlacement(tenant: Tenant, target: { placement: TenantPlacement; schemaName: string }): Promise<number | undefined> {
    return this.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [tenantDataLockKey(tenant.id)]);
      const current = await client.query<{ schema_name: string; status: string }>(
        `SELECT "schema_name", "status" FROM ${control}."tenants" WHERE "id" = $1 FOR UPDATE`,
        [tenant.id],
      );
      const row = current.rows[0];
      if (!row || row.schema_name !== tenant.schemaName || row.status === 'deleting') return undefined;
      await this.requireSameMigration(client, tenant.schemaName, target.schemaName);
      let copied = 0;
      for (const table of await this.tenantTables(client, tenant.schemaName)) {
        const columns = table.columns.map(quoteIdentifier).join(', ');
        const name = quoteIdentifier(table.name);
        await client.query(`DELETE FROM ${quoteSchema(target.schemaName)}.${name} WHERE "tenant_id" = $1`, [tenant.id]);
        const result = await client.query(
          `INSERT INTO ${quoteSchema(target.schemaName)}.${name} (${columns})
           SELECT ${columns} FROM ${quoteSchema(tenant.schemaName)}.${name} WHERE "tenant_id" = $1`,
          [tenant.id],
        );
        copied += result.rowCount ?? 0;
        await this.advanceSequences(client, target.schemaName, table);
      }
      await client.query(
        `UPDATE ${control}."tenants" SET "placement" = $2, "schema_name" = $3, "retired_schema" = $4, "updated_at" = now() WHERE "id" = $1`,
        [tenant.id, target.placement, target.schemaName, tenant.schemaName],
      );
      return copied;
    });
  }

  /** Removes the copy a move left behind; safe to repeat. */
  async removeRetiredCopy(tenantId: string): Promise<void> {
    await this.transaction(async (client) => {
      const { rows } = await client.query<{ schema_name: string; retired_schema: string | null }>(
        `SELECT "schema_name", "retired_schema" FROM ${control}."tenants" WHERE "id" = $1 FOR UPDATE`,
        [tenantId],
      );
      const retired = rows[0]?.retired_schema;
      if (!retired || retired === rows[0]!.schema_name) return;
      await this.removeData(client, tenantId, retired);
      await client.query(`UPDATE ${control}."tenants" SET "retired_schema" = NULL, "updated_at" = now() WHERE "id" = $1`, [tenantId]);
    });
  }

  /** Removes the tenant's data (and a retired copy), then its registry row; safe to repeat. */
  async removeTenant(tenantId: string): Promise<void> {
    await this.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [tenantDataLockKey(tenantId)]);
      const { rows } = await client.query<{ schema_name: string; retired_schema: string | null }>(
        `SELECT "schema_name", "retired_schema" FROM ${control}."tenants" WHERE "id" = $1 FOR UPDATE`,
        [tenantId],
      );
      const row = rows[0];
      if (!row) return;
      await this.removeData(client, tenantId, row.schema_name);
      if (row.retired_schema && row.retired_schema !== row.schema_name) await this.removeData(client, tenantId, row.retired_schema);
      await client.query(`DELETE FROM ${control}."tenants" WHERE "id" = $1`, [tenantId]);
    });
  }

  private async removeData(client: PoolClient, tenantId: string, schemaName: string): Promise<void> {
    if (schemaName === POOLED_SCHEMA) {
      for (const table of await this.tenantTables(client, POOLED_SCHEMA)) {
        await client.query(`DELETE FROM ${quoteSchema(POOLED_SCHEMA)}.${quoteIdentifier(table.name)} WHERE "tenant_id" = $1`, [tenantId]);
      }
      return;
    }
    // Row first: a migration run holding it finishes before the drop, and one starting after skips the schema.
    await client.query(`DELETE FROM ${control}."tenant_schemas" WHERE "schema_name" = $1`, [schemaName]);
    await client.query(`DROP SCHEMA IF EXISTS ${quoteSchema(schemaName)} CASCADE`);
  }

  /**
   * Copied rows keep their ids; the target's identity sequences must move past
   * them, or the next insert there would reuse an id (and a change-stream
   * event id) the tenant already has.
   */
  private async advanceSequences(client: PoolClient, schemaName: string, table: TenantTable): Promise<void> {
    const qualified = `${quoteSchema(schemaName)}.${quoteIdentifier(table.name)}`;
    for (const column of table.columns) {
      const { rows } = await client.query<{ sequence: string | null }>('SELECT pg_get_serial_sequence($1, $2) AS sequence', [
        qualified,
        column,
      ]);
      const sequence = rows[0]?.sequence;
      if (!sequence) continue;
      await client.query(
        `SELECT setval($1::regclass, GREATEST((SELECT COALESCE(MAX(${quoteIdentifier(column)}), 0) FROM ${qualified}), COALESCE(pg_sequence_last_value($1::regclass), 0), 1))`,
        [sequence],
      );
    }
  }

  private async requireSameMigration(client: PoolClient, source: string, target: string): Promise<void> {
    const { rows } = await client.query<{ schema_name: string; migration: string | null }>(
      `SELECT "schema_name", "migration" FROM ${control}."tenant_schemas" WHERE "schema_name" = ANY($1::text[])`,
      [[source, target]],
    );
    const versions = new Map(rows.map((row) => [row.schema_name, row.migration]));
    if (versions.get(source) !== versions.get(target) || !versions.get(target)) {
      throw new TenantsError(
        'TENANT_SCHEMAS_DIFFER',
        `Schemas ${source} and ${target} are not at the same migration; run \`cli migrate\` first.`,
      );
    }
  }

  private async tenantTables(client: PoolClient, schemaName: string): Promise<TenantTable[]> {
    const { rows } = await client.query<{ name: string; columns: string[] }>(
      `SELECT c.relname AS name, array_agg(a.attname::text ORDER BY a.attnum) AS columns
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
       WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')
       GROUP BY c.relname
       HAVING bool_or(a.attname = 'tenant_id')
       ORDER BY c.relname`,
      [schemaName],
    );
    return rows;
  }

  private transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.database.pool, work);
  }
}
