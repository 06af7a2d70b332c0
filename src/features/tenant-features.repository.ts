import { Injectable } from '@nestjs/common';
import type { Tenant } from '../tenants/tenant.js';
import { TenantDataService } from '../tenants/tenant-data.service.js';

export interface TenantFeatureOverride {
  featureKey: string;
  enabled: boolean;
  updatedAt: Date;
}

/** Per-tenant feature state, in the tenant's own data. Every method names its tenant. */
@Injectable()
export class TenantFeaturesRepository {
  constructor(private readonly data: TenantDataService) {}

  list(tenant: Tenant): Promise<TenantFeatureOverride[]> {
    return this.data.clientFor(tenant).tenantFeature.findMany({
      where: { tenantId: tenant.id },
      select: { featureKey: true, enabled: true, updatedAt: true },
    });
  }

  set(tenant: Tenant, featureKey: string, enabled: boolean): Promise<TenantFeatureOverride> {
    return this.data.clientFor(tenant).tenantFeature.upsert({
      where: { tenantId_featureKey: { tenantId: tenant.id, featureKey } },
      create: { tenantId: tenant.id, featureKey, enabled },
      update: { enabled },
      select: { featureKey: true, enabled: true, updatedAt: true },
    });
  }
}
