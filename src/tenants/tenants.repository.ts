import { Injectable } from '@nestjs/common';
import type { Prisma, Tenant as TenantRow } from '../generated/control/client.js';
import { DatabaseService } from '../infra/database/database.service.js';
import type { Tenant, TenantPlacement, TenantStatus } from './tenant.js';

export function toTenant(row: TenantRow): Tenant {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    placement: row.placement as TenantPlacement,
    schemaName: row.schemaName,
    status: row.status as TenantStatus,
    retiredSchema: row.retiredSchema,
    adminsMayToggleFlags: row.adminsMayToggleFlags,
    createdAt: row.createdAt,
  };
}

export interface TenantQuery {
  placement?: TenantPlacement;
  status?: TenantStatus;
  /** Slugs that contain this text. */
  search?: string;
  /** Keyset pagination: slugs after this one. */
  after?: string;
  limit: number;
}

export interface TenantCount {
  placement: TenantPlacement;
  status: TenantStatus;
  count: number;
}

/** The tenant registry in the control plane. */
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

  async find(query: TenantQuery): Promise<Tenant[]> {
    const where: Prisma.TenantWhereInput = {
      ...(query.placement ? { placement: query.placement } : {}),
      ...(query.status ? { status: query.status } : {}),
      ...(query.after !== undefined || query.search
        ? { slug: { ...(query.after !== undefined ? { gt: query.after } : {}), ...(query.search ? { contains: query.search } : {}) } }
        : {}),
    };
    const rows = await this.database.control.tenant.findMany({ where, orderBy: { slug: 'asc' }, take: query.limit });
    return rows.map(toTenant);
  }

  async count(query: Omit<TenantQuery, 'after' | 'limit'>): Promise<number> {
    return this.database.control.tenant.count({
      where: {
        ...(query.placement ? { placement: query.placement } : {}),
        ...(query.status ? { status: query.status } : {}),
        ...(query.search ? { slug: { contains: query.search } } : {}),
      },
    });
  }

  /** How many tenants each (placement, status) pair has; pairs without tenants are absent. */
  async countByPlacementAndStatus(): Promise<TenantCount[]> {
    const groups = await this.database.control.tenant.groupBy({ by: ['placement', 'status'], _count: { _all: true } });
    return groups.map((group) => ({
      placement: group.placement as TenantPlacement,
      status: group.status as TenantStatus,
      count: group._count._all,
    }));
  }

  async setAdminsMayToggleFlags(id: string, allowed: boolean): Promise<Tenant | undefined> {
    const { count } = await this.database.control.tenant.updateMany({ where: { id }, data: { adminsMayToggleFlags: allowed } });
    return count > 0 ? this.findById(id) : undefined;
  }

  /** Moves between statuses only from the ones listed; undefined when the tenant is in none of them. */
  async setStatus(id: string, to: TenantStatus, from: TenantStatus[]): Promise<Tenant | undefined> {
    const { count } = await this.database.control.tenant.updateMany({ where: { id, status: { in: from } }, data: { status: to } });
    return count > 0 ? this.findById(id) : undefined;
  }

  async withRetiredSchema(): Promise<Tenant[]> {
    return (await this.database.control.tenant.findMany({ where: { retiredSchema: { not: null } } })).map(toTenant);
  }
}
