import { Injectable } from '@nestjs/common';
import { TenantsService } from '../tenants/tenants.service.js';
import { FeaturesService } from './features.service.js';

export interface FeatureOverride {
  tenant: string;
  enabled: boolean;
  updatedAt: Date | null;
}

/**
 * Which tenants set a flag for themselves rather than taking the catalogue
 * default. Each tenant's data lives in its own placement, so this asks every
 * active tenant (through the flag cache): fine for a console page, not for a hot path.
 */
@Injectable()
export class FeatureOverridesService {
  constructor(
    private readonly tenants: TenantsService,
    private readonly features: FeaturesService,
  ) {}

  async overridesOf(key: string): Promise<FeatureOverride[]> {
    await this.features.getFeature(key);
    const overrides: FeatureOverride[] = [];
    for (const tenant of await this.tenants.listAll({ status: 'active' })) {
      const state = await this.features.getTenantFeature(tenant, key);
      if (state.source === 'tenant') overrides.push({ tenant: tenant.slug, enabled: state.enabled, updatedAt: state.updatedAt });
    }
    return overrides;
  }
}
