import { Injectable } from '@nestjs/common';
import type { Tenant } from '../tenants/tenant.js';
import { TenantDataService } from '../tenants/tenant-data.service.js';

export interface TenantFeatureOverride {
  featureKey: string;
  enabled: boolean;
  /** 'seed': the catalogue default written when the tenant was created; 'override': set by an admin. */
  origin: string;
  updatedAt: Date;
}

const FIELDS = { featureKey: true, enabled: true, origin: true, updatedAt: true } as const;

/** Per-tenant feature state, in the tenant's own data. Every method names its tenant. */
@Injectable()
export class TenantFeaturesRepository {
  constructor(private readonly data: TenantDataService) {}

  list(tenant: Tenant): Promise<TenantFeatureOverride[]> {
    return this.data.read(tenant, (db) => db.tenantFeature.findMany({ where: { tenantId: tenant.id }, select: FIELDS }));
  }

  set(tenant: Tenant, featureKey: string, enabled: boolean): Promise<TenantFeatureOverride> {
    return this.data.write(tenant, (db) =>
      db.tenantFeature.upsert({
        where: { tenantId_featureKey: { tenantId: tenant.id, featureKey } },
        create: { tenantId: tenant.id, featureKey, enabled, origin: 'override' },
        update: { enabled, origin: 'override' },
        select: FIELDS,
      }),
    );
  }
}
