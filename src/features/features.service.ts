import { Injectable } from '@nestjs/common';
import { ExpiringCache } from '../infra/cache/expiring-cache.js';
import { ChangeBus } from '../infra/database/change-bus.service.js';
import type { Principal } from '../auth/principal.js';
import type { Tenant } from '../tenants/tenant.js';
import { TenantAccessService } from '../tenants/tenant-access.service.js';
import { FEATURE_KEY_PATTERN, type Feature, type TenantFeatureState } from './feature.js';
import { FeaturesError } from './features.errors.js';
import { FeaturesRepository } from './features.repository.js';
import { TenantFeaturesRepository, type TenantFeatureOverride } from './tenant-features.repository.js';

function effectiveState(feature: Feature, override: TenantFeatureOverride | null | undefined): TenantFeatureState {
  return {
    key: feature.key,
    description: feature.description,
    enabled: override ? override.enabled : feature.defaultEnabled,
    source: override && override.origin === 'override' ? 'tenant' : 'default',
    updatedAt: override?.updatedAt ?? null,
  };
}

const CATALOGUE = 'catalogue';
const CACHE_TTL_MS = 10_000;

/**
 * Flags are read far more often than written: the catalogue and each
 * tenant's overrides are served from memory, dropped on change (ChangeBus).
 */
@Injectable()
export class FeaturesService {
  private readonly catalogueCache = new ExpiringCache<string, Feature[]>(1, CACHE_TTL_MS);
  private readonly overridesCache = new ExpiringCache<string, TenantFeatureOverride[]>(10_000, CACHE_TTL_MS);

  constructor(
    private readonly catalogue: FeaturesRepository,
    private readonly tenantFeatures: TenantFeaturesRepository,
    private readonly changes: ChangeBus,
    private readonly access: TenantAccessService,
  ) {
    changes.subscribe('feature', () => this.catalogueCache.clear());
    changes.subscribe('tenant-feature', (tenantId) => this.overridesCache.delete(tenantId));
    changes.onResync(() => {
      this.catalogueCache.clear();
      this.overridesCache.clear();
    });
  }

  async createFeature(input: { key: string; description?: string; defaultEnabled?: boolean }): Promise<Feature> {
    const feature = { key: input.key, description: input.description ?? '', defaultEnabled: input.defaultEnabled ?? false };
    const created = await this.catalogue.create(feature);
    if (!created) throw new FeaturesError('FEATURE_KEY_TAKEN', `A feature with key "${feature.key}" already exists.`);
    await this.changes.publish({ topic: 'feature', key: created.key });
    return created;
  }

  listFeatures(): Promise<Feature[]> {
    return this.catalogueCache.getOrLoad(CATALOGUE, () => this.catalogue.list());
  }

  async listTenantFeatures(tenant: Tenant): Promise<TenantFeatureState[]> {
    const [features, overrides] = await Promise.all([
      this.listFeatures(),
      this.overridesCache.getOrLoad(tenant.id, () => this.tenantFeatures.list(tenant)),
    ]);
    const byKey = new Map(overrides.map((override) => [override.featureKey, override]));
    return features.map((feature) => effectiveState(feature, byKey.get(feature.key)));
  }

  async getTenantFeature(tenant: Tenant, key: string): Promise<TenantFeatureState> {
    await this.requireFeature(key);
    const states = await this.listTenantFeatures(tenant);
    return states.find((state) => state.key === key)!;
  }

  async setTenantFeature(tenant: Tenant, key: string, enabled: boolean): Promise<TenantFeatureState> {
    const feature = await this.requireFeature(key);
    const override = await this.tenantFeatures.set(tenant, key, enabled);
    await this.changes.publish({ topic: 'tenant-feature', key: tenant.id });
    return effectiveState(feature, override);
  }

  /** The flags of a tenant the caller may act on (see TenantAccessService). */
  async listFeaturesFor(principal: Principal, slug: string): Promise<{ tenant: Tenant; states: TenantFeatureState[] }> {
    const tenant = await this.access.resolve(principal, slug);
    return { tenant, states: await this.listTenantFeatures(tenant) };
  }

  /** The flags of the caller's own tenant (GET /me/features). */
  async listOwnFeatures(principal: Principal): Promise<{ tenant: Tenant; states: TenantFeatureState[] }> {
    const tenant = await this.access.resolveOwn(principal);
    return { tenant, states: await this.listTenantFeatures(tenant) };
  }

  async getFeatureFor(principal: Principal, slug: string, key: string): Promise<TenantFeatureState> {
    return this.getTenantFeature(await this.access.resolve(principal, slug), key);
  }

  async setFeatureFor(principal: Principal, slug: string, key: string, enabled: boolean): Promise<TenantFeatureState> {
    return this.setTenantFeature(await this.access.resolve(principal, slug), key, enabled);
  }

  private async requireFeature(key: string): Promise<Feature> {
    const feature = FEATURE_KEY_PATTERN.test(key) ? (await this.listFeatures()).find((candidate) => candidate.key === key) : undefined;
    if (!feature) throw new FeaturesError('FEATURE_NOT_FOUND', `No feature has key "${key}".`);
    return feature;
  }
}
