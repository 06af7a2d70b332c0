import { Injectable } from '@nestjs/common';
import type { Tenant } from '../tenants/tenant.js';
import { FEATURE_KEY_PATTERN, type Feature, type TenantFeatureState } from './feature.js';
import { FeaturesError } from './features.errors.js';
import { FeaturesRepository } from './features.repository.js';
import { TenantFeaturesRepository, type TenantFeatureOverride } from './tenant-features.repository.js';

function effectiveState(feature: Feature, override: TenantFeatureOverride | null | undefined): TenantFeatureState {
  return {
    key: feature.key,
    description: feature.description,
    enabled: override ? override.enabled : feature.defaultEnabled,
    source: override ? 'tenant' : 'default',
    updatedAt: override?.updatedAt ?? null,
  };
}

@Injectable()
export class FeaturesService {
  constructor(
    private readonly catalogue: FeaturesRepository,
    private readonly tenantFeatures: TenantFeaturesRepository,
  ) {}

  async createFeature(feature: Omit<Feature, 'createdAt'>): Promise<Feature> {
    const created = await this.catalogue.create(feature);
    if (!created) throw new FeaturesError('FEATURE_KEY_TAKEN', `A feature with key "${feature.key}" already exists.`);
    return created;
  }

  listFeatures(): Promise<Feature[]> {
    return this.catalogue.list();
  }

  async listTenantFeatures(tenant: Tenant): Promise<TenantFeatureState[]> {
    const [features, overrides] = await Promise.all([this.catalogue.list(), this.tenantFeatures.list(tenant)]);
    const byKey = new Map(overrides.map((override) => [override.featureKey, override]));
    return features.map((feature) => effectiveState(feature, byKey.get(feature.key)));
  }

  async getTenantFeature(tenant: Tenant, key: string): Promise<TenantFeatureState> {
    const feature = await this.requireFeature(key);
    return effectiveState(feature, await this.tenantFeatures.find(tenant, key));
  }

  async setTenantFeature(tenant: Tenant, key: string, enabled: boolean): Promise<TenantFeatureState> {
    const feature = await this.requireFeature(key);
    return effectiveState(feature, await this.tenantFeatures.set(tenant, key, enabled));
  }

  private async requireFeature(key: string): Promise<Feature> {
    const feature = FEATURE_KEY_PATTERN.test(key) ? await this.catalogue.findByKey(key) : null;
    if (!feature) throw new FeaturesError('FEATURE_NOT_FOUND', `No feature has key "${key}".`);
    return feature;
  }
}
