import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { ExpiringCache } from '../infra/cache/expiring-cache.js';
import { ChangeBus } from '../infra/database/change-bus.service.js';
import { loadMigrations, migrateSchema, type Migration, type MigrationResult } from '../infra/database/migrator.js';
import { DatabaseService } from '../infra/database/database.service.js';
import { tenantMigrationsDirectory } from '../infra/project-paths.js';
import { isValidTenantSlug, tenantSchemaName } from './tenant-slug.js';
import type { Tenant, TenantPlacement } from './tenant.js';
import { TenantsError } from './tenants.errors.js';
import { TenantsRepository } from './tenants.repository.js';

export interface CreateTenantCommand {
  slug: string;
  name?: string;
  placement?: TenantPlacement;
}

export interface TenantMigrationSummary {
  done: number;
  failed: { slug: string; error: string }[];
  applied: MigrationResult[];
}

@Injectable()
export class TenantsService {
  private readonly logger = new Logger(TenantsService.name);
  private readonly migrations: Migration[] = loadMigrations(tenantMigrationsDirectory);
  // Every API request resolves its tenant; the registry changes rarely.
  private readonly bySlug = new ExpiringCache<string, Tenant | null>(10_000, 10_000);
  private readonly byId = new ExpiringCache<string, Tenant | null>(10_000, 10_000);

  constructor(
    private readonly repository: TenantsRepository,
    private readonly database: DatabaseService,
    private readonly changes: ChangeBus,
  ) {
    const clear = (): void => {
      this.bySlug.clear();
      this.byId.clear();
    };
    changes.subscribe('tenant', clear);
    changes.onResync(clear);
  }

  async create(command: CreateTenantCommand): Promise<Tenant> {
    if (!isValidTenantSlug(command.slug)) {
      throw new TenantsError('TENANT_SLUG_INVALID', 'A slug is 1 to 40 lowercase letters, digits or inner hyphens.');
    }
    const created = await this.repository.createWithSchema(
      {
        id: randomUUID(),
        slug: command.slug,
        name: command.name?.trim() || command.slug,
        placement: command.placement ?? 'isolated',
        schemaName: tenantSchemaName(command.slug),
      },
      this.migrations,
    );
    if (!created) throw new TenantsError('TENANT_SLUG_TAKEN', `A tenant with slug "${command.slug}" already exists.`);
    await this.changes.publish({ topic: 'tenant', key: created.id });
    this.logger.log(`created tenant ${created.slug} (${created.id}) in schema ${created.schemaName}`);
    return created;
  }

  async get(slug: string): Promise<Tenant> {
    const tenant = isValidTenantSlug(slug)
      ? await this.bySlug.getOrLoad(slug, async () => (await this.repository.findBySlug(slug)) ?? null)
      : null;
    if (!tenant) throw new TenantsError('TENANT_NOT_FOUND', `No tenant has slug "${slug}".`);
    return tenant;
  }

  async getById(id: string): Promise<Tenant> {
    const tenant = await this.byId.getOrLoad(id, async () => (await this.repository.findById(id)) ?? null);
    if (!tenant) throw new TenantsError('TENANT_NOT_FOUND', 'The tenant this token acts for no longer exists.');
    return tenant;
  }

  list(): Promise<Tenant[]> {
    return this.repository.list();
  }

  /** Applies pending tenant migrations to every tenant schema; one failure does not stop the others. */
  async migrateAll(): Promise<TenantMigrationSummary> {
    const summary: TenantMigrationSummary = { done: 0, failed: [], applied: [] };
    for (const tenant of await this.repository.list()) {
      try {
        const result = await migrateSchema(this.database.pool, tenant.schemaName, this.migrations);
        summary.done += 1;
        if (result.applied.length > 0) summary.applied.push(result);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        summary.failed.push({ slug: tenant.slug, error: message });
        this.logger.error(`tenant ${tenant.slug}: migration failed: ${message}`);
      }
    }
    return summary;
  }
}
