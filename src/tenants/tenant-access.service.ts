import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { tenantUsability, type Tenant } from './tenant.js';
import { TenantsError, unusableTenant } from './tenants.errors.js';
import { TenantsService } from './tenants.service.js';

/**
 * Which tenant a request acts on. Platform tokens may act on any tenant;
 * a tenant-bound token only on its own, and another tenant looks exactly like
 * one that does not exist (404), so tokens cannot probe for tenant names.
 * Then the one usability rule (tenantUsability): suspended 403, gone 404.
 */
@Injectable()
export class TenantAccessService {
  constructor(private readonly tenants: TenantsService) {}

  /**
   * `slug` null: the token's own tenant (routes under /me, OFREP).
   * Synchronous when the registry answers from memory (most requests).
   */
  resolve(principal: Pick<Principal, 'tenantId'>, slug: string | null): Tenant | Promise<Tenant> {
    if (slug === null && principal.tenantId === null) throw new TenantsError('TENANT_NOT_FOUND', 'This token is bound to no tenant.');
    const cached = slug === null ? this.tenants.cachedById(principal.tenantId!) : this.tenants.cachedBySlug(slug);
    if (cached !== undefined) return this.check(principal, cached ?? undefined, slug ?? principal.tenantId!);
    const loading = slug === null ? this.tenants.findById(principal.tenantId!) : this.tenants.findBySlug(slug);
    return loading.then((tenant) => this.check(principal, tenant, slug ?? principal.tenantId!));
  }

  private check(principal: Pick<Principal, 'tenantId'>, tenant: Tenant | undefined, named: string): Tenant {
    if (tenant && principal.tenantId !== null && principal.tenantId !== tenant.id) return this.usable(undefined, named);
    return this.usable(tenant, named);
  }

  /** A tenant found by id (a stream ticket, a client's binding), under the same rule. */
  async resolveById(tenantId: string): Promise<Tenant> {
    return this.usable(await this.tenants.findById(tenantId), tenantId);
  }

  private usable(tenant: Tenant | undefined, named: string): Tenant {
    const usability = tenantUsability(tenant);
    if (usability !== 'usable') throw unusableTenant(usability, tenant?.slug ?? named);
    return tenant!;
  }
}
