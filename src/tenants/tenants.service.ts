import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { TenancyConfig } from '../config/app-config.js';
import { Caches } from '../infra/cache/caches.js';
import { ChangeBus } from '../infra/database/change-bus.service.js';
import { loadMigrations, type Migration } from '../infra/database/migrator.js';
import { POOLED_SCHEMA } from '../infra/database/schema-names.js';
import { tenantMigrationsDirectory } from '../infra/project-paths.js';
import { isValidTenantSlug, tenantSchemaName } from './tenant-slug.js';
import { TenantLifecycle } from './tenant-lifecycle.js';
import { TenantStorageRepository } from './tenant-storage.repository.js';
import type { Tenant, TenantPlacement, TenantStatus } from './tenant.js';
import { TenantsError } from './tenants.errors.js';
import { TenantsRepository, type TenantCount } from './tenants.repository.js';

export interface CreateTenantCommand {
  slug: string;
  name?: string;
  placement?: TenantPlacement;
}

export interface TenantPageQuery {
  placement?: TenantPlacement;
  status?: TenantStatus;
  /** Slugs containing this text. */
  search?: string;
  cursor?: string;
  limit?: number;
}

export interface TenantPage {
  items: Tenant[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
  /** Tenants matching the filter, all pages together. */
  total: number;
}

export const DEFAULT_PAGE_SIZE = 50;
/** The change topic of the registry: a tenant was created, changed status or placement, or was deleted (key: its id). */
export const TENANT_CHANGED = 'tenant';
const CACHE_CAPACITY = 10_000;
const CACHE_TTL_MS = 10_000;
export const MAX_PAGE_SIZE = 500;

/** The schema a tenant of this placement keeps its data in. */
export function schemaFor(slug: string, placement: TenantPlacement): string {
  return placement === 'pooled' ? POOLED_SCHEMA : tenantSchemaName(slug);
}

export function encodeCursor(slug: string): string {
  return Buffer.from(slug, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const slug = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!isValidTenantSlug(slug)) throw new TenantsError('TENANT_QUERY_INVALID', 'cursor is not one this API returned.');
  return slug;
}

/** The tenant registry: creation, lookup (cached, every request routes through it) and suspension. */
@Injectable()
export class TenantsService {
  private readonly logger = new Logger(TenantsService.name);
  readonly migrations: Migration[] = loadMigrations(tenantMigrationsDirectory);
  // Every request routes through these: the tenant by id, and which id a slug names.
  private readonly byId;
  private readonly idsBySlug;

  constructor(
    private readonly repository: TenantsRepository,
    private readonly storage: TenantStorageRepository,
    private readonly changes: ChangeBus,
    private readonly tenancy: TenancyConfig,
    private readonly lifecycle: TenantLifecycle,
    caches: Caches,
  ) {
    this.byId = caches.create<string, Tenant | null>({
      name: 'tenants',
      capacity: CACHE_CAPACITY,
      ttlMs: CACHE_TTL_MS,
      invalidatedBy: { [TENANT_CHANGED]: 'key' },
    });
    // A slug names another id once its tenant is deleted and the slug reused: both publish the change.
    this.idsBySlug = caches.create<string, string | null>({
      name: 'tenant-slugs',
      capacity: CACHE_CAPACITY,
      ttlMs: CACHE_TTL_MS,
      invalidatedBy: { [TENANT_CHANGED]: 'all' },
    });
  }

  async create(command: CreateTenantCommand): Promise<Tenant> {
    if (!isValidTenantSlug(command.slug)) {
      throw new TenantsError('TENANT_SLUG_INVALID', 'A slug is 1 to 40 lowercase letters, digits or inner hyphens.');
    }
    const placement = command.placement ?? this.tenancy.defaultPlacement;
    const created = await this.storage.create(
      {
        id: randomUUID(),
        slug: command.slug,
        name: command.name?.trim() || command.slug,
        placement,
        schemaName: schemaFor(command.slug, placement),
      },
      this.migrations,
      (creation) => this.lifecycle.created(creation),
    );
    if (!created) throw new TenantsError('TENANT_SLUG_TAKEN', `A tenant with slug "${command.slug}" already exists.`);
    await this.changes.publish({ topic: TENANT_CHANGED, key: created.id });
    this.logger.log(`created tenant ${created.slug} (${created.id}), ${created.placement} in schema ${created.schemaName}`);
    return created;
  }

  /** The tenant with this slug or id as cached (null: known not to exist; undefined: not cached), without a load. */
  cachedBySlug(slug: string): Tenant | null | undefined {
    const id = this.idsBySlug.get(slug);
    return id === undefined ? undefined : id === null ? null : this.byId.get(id);
  }

  cachedById(id: string): Tenant | null | undefined {
    return this.byId.get(id);
  }

  /** The tenant with this slug, whatever its status; undefined when there is none. */
  async findBySlug(slug: string): Promise<Tenant | undefined> {
    if (!isValidTenantSlug(slug)) return undefined;
    const id = await this.idsBySlug.getOrLoad(slug, async () => (await this.repository.findBySlug(slug))?.id ?? null);
    return id === null ? undefined : this.findById(id);
  }

  /** The tenant with this id, whatever its status; undefined when there is none. */
  async findById(id: string): Promise<Tenant | undefined> {
    return (await this.byId.getOrLoad(id, async () => (await this.repository.findById(id)) ?? null)) ?? undefined;
  }

  async get(slug: string): Promise<Tenant> {
    const tenant = await this.findBySlug(slug);
    if (!tenant) throw new TenantsError('TENANT_NOT_FOUND', `No tenant has slug "${slug}".`);
    return tenant;
  }

  /** Uncached: for operations that must see the registry as it is now. */
  async getFresh(slug: string): Promise<Tenant> {
    const tenant = isValidTenantSlug(slug) ? await this.repository.findBySlug(slug) : undefined;
    if (!tenant) throw new TenantsError('TENANT_NOT_FOUND', `No tenant has slug "${slug}".`);
    return tenant;
  }

  async page(query: TenantPageQuery = {}): Promise<TenantPage> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
      throw new TenantsError('TENANT_QUERY_INVALID', `limit must be 1 to ${MAX_PAGE_SIZE}.`);
    }
    const filter = { placement: query.placement, status: query.status, search: query.search?.trim().toLowerCase() || undefined };
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const [rows, total] = await Promise.all([this.repository.find({ ...filter, after, limit: limit + 1 }), this.repository.count(filter)]);
    const items = rows.slice(0, limit);
    return { items, nextCursor: rows.length > limit ? encodeCursor(items.at(-1)!.slug) : null, total };
  }

  /** The registry's size by placement and status, in one grouped query (metrics). */
  countByPlacementAndStatus(): Promise<TenantCount[]> {
    return this.repository.countByPlacementAndStatus();
  }

  /** Every tenant matching the filter (the CLI's listing). */
  async listAll(filter: Omit<TenantPageQuery, 'cursor' | 'limit'> = {}): Promise<Tenant[]> {
    const tenants: Tenant[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.page({ ...filter, cursor, limit: MAX_PAGE_SIZE });
      tenants.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return tenants;
  }

  /** Tokens of a suspended tenant stop working at once on every instance (ChangeBus). Idempotent. */
  suspend(slug: string): Promise<Tenant> {
    return this.changeStatus(slug, 'suspended', ['active', 'suspended']);
  }

  resume(slug: string): Promise<Tenant> {
    return this.changeStatus(slug, 'active', ['active', 'suspended']);
  }

  /** The platform setting "the tenant's admins may toggle its flags" (a console sign-in picks it up). */
  async setAdminsMayToggleFlags(slug: string, allowed: boolean): Promise<Tenant> {
    const tenant = await this.getFresh(slug);
    const updated = await this.repository.setAdminsMayToggleFlags(tenant.id, allowed);
    if (!updated) throw new TenantsError('TENANT_NOT_FOUND', `No tenant has slug "${slug}".`);
    await this.announce(updated);
    this.logger.log(`tenant ${slug}: admins ${allowed ? 'may' : 'may not'} toggle flags`);
    return updated;
  }

  /** Drops cached lookups here and on every instance. */
  async announce(tenant: Pick<Tenant, 'id'>): Promise<void> {
    await this.changes.publish({ topic: TENANT_CHANGED, key: tenant.id });
  }

  private async changeStatus(slug: string, to: TenantStatus, from: TenantStatus[]): Promise<Tenant> {
    const tenant = await this.getFresh(slug);
    if (tenant.status === to) return tenant;
    const updated = await this.repository.setStatus(tenant.id, to, from);
    if (!updated) throw new TenantsError('TENANT_BEING_DELETED', `Tenant "${slug}" is being deleted.`);
    await this.announce(updated);
    this.logger.log(`tenant ${slug} is now ${to}`);
    return updated;
  }
}
