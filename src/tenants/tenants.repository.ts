import { Injectable } from '@nestjs/common';
import type { Tenant as TenantRow } from '../generated/control/client.js';
import { DatabaseService } from '../infra/database/database.service.js';
import { applyMigrationsInTransaction, type Migration } from '../infra/database/migrator.js';
import { CONTROL_SCHEMA, quoteSchema } from '../infra/database/schema-names.js';
import type { Tenant, TenantPlacement, TenantStatus } from './tenant.js';

function toTenant(row: TenantRow): Tenant {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    placement: row.placement as TenantPlacement,
    schemaName: row.schemaName,
    status: row.status as TenantStatus,
    createdAt: row.createdAt,
  };
}

export interface NewTenant {
  id: string;
  slug: string;
  name: string;
  placement: TenantPlacement;
  schemaName: string;
}

@Injectable()
export class TenantsRepository {
  constructor(private readonly database: DatabaseService) {}

  async findBySlug(slug: string): Promise<Tenant | undefined> {
    const row = await this.database.control.tenant.findUnique({ where: { slug } });
    return row ? toTenant(row) : undefined;
  }

  async findById(id: string): Promise<Tenant | undefined> {
    const row = await this.database.control.tenant.findUnique({ where: { id } });
    return row ? toTenant(row) : undefined;
  }

  async list(): Promise<Tenant[]> {
    const rows = await this.database.control.tenant.findMany({ orderBy: { slug: 'asc' } });
    return rows.map(toTenant);
  }

  /**
   * Registers the tenant and creates its schema with every tenant migration in
   * ONE transaction: a failure anywhere leaves neither a row nor a schema.
   * Returns undefined when the slug is taken (checked under the slug's lock,
   * so two concurrent creations of one slug cannot both win).
   */
  async createWithSchema(tenant: NewTenant, migrations: Migration[]): Promise<Tenant | undefined> {
    const client = await this.database.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`tenantry:tenant:${tenant.slug}`]);
      const control = quoteSchema(CONTROL_SCHEMA);
      const existing = await client.query(`SELECT 1 FROM ${control}."tenants" WHERE "slug" = $1`, [tenant.slug]);
      if (existing.rowCount) {
        await client.query('ROLLBACK');
        return undefined;
      }
      const { rows } = await client.query<{ created_at: Date }>(
        `INSERT INTO ${control}."tenants" ("id", "slug", "name", "placement", "schema_name", "status", "updated_at")
         VALUES ($1, $2, $3, $4, $5, 'active', now()) RETURNING "created_at"`,
        [tenant.id, tenant.slug, tenant.name, tenant.placement, tenant.schemaName],
      );
      await applyMigrationsInTransaction(client, tenant.schemaName, migrations);
      await client.query('COMMIT');
      return { ...tenant, status: 'active', createdAt: rows[0]!.created_at };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
