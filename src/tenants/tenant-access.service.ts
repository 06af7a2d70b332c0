import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import type { Tenant } from './tenant.js';
import { TenantsError } from './tenants.errors.js';
import { TenantsService } from './tenants.service.js';

/**
 * Which tenant a request may act on. Platform tokens may act on any tenant;
 * a tenant-bound token only on its own, and another tenant looks exactly like
 * one that does not exist (404), so tokens cannot probe for tenant names.
 */
@Injectable()
export class TenantAccessService {
  constructor(private readonly tenants: TenantsService) {}

  async resolve(principal: Principal, slug: string): Promise<Tenant> {
    const tenant = await this.tenants.get(slug);
    if (principal.tenantId !== null && principal.tenantId !== tenant.id) {
      throw new TenantsError('TENANT_NOT_FOUND', `No tenant has slug "${slug}".`);
    }
    return this.requireActive(tenant);
  }

  /** The tenant a tenant-bound token acts for (GET /me/...). */
  async resolveOwn(principal: Principal): Promise<Tenant> {
    if (principal.tenantId === null) {
      throw new TenantsError('TENANT_NOT_FOUND', 'This token is not bound to a tenant; use /api/v1/tenants/{slug}/... instead.');
    }
    return this.requireActive(await this.tenants.getById(principal.tenantId));
  }

  private requireActive(tenant: Tenant): Tenant {
    if (tenant.status === 'deleting') throw new TenantsError('TENANT_NOT_FOUND', `No tenant has slug "${tenant.slug}".`);
    if (tenant.status !== 'active') throw new TenantsError('TENANT_SUSPENDED', `Tenant "${tenant.slug}" is ${tenant.status}.`);
    return tenant;
  }
}
