import { Injectable } from '@nestjs/common';
import { Caches } from '../infra/cache/caches.js';
import { ChangeBus } from '../infra/database/change-bus.service.js';
import type { Tenant } from '../tenants/tenant.js';
import { FEATURE_KEY_PATTERN, type Feature, type FeatureActor, type FeatureChange, type TenantFeatureState } from './feature.js';
import { FeaturesError } from './features.errors.js';
import { FeaturesRepository } from './features.repository.js';
import { valueMatchesType, type FeatureType, type FlagValue, type Rollout, type TargetingRule } from './flag-evaluation.js';
import { TenantFeaturesRepository, type FeatureWrite, type TenantFeatureOverride } from './tenant-features.repository.js';
import { TenantFlags } from './tenant-flags.js';

/** Change topics of this module: the catalogue (key: the feature key) and a tenant's settings (key: the tenant id). */
export const CATALOGUE_CHANGED = 'feature';
export const TENANT_FLAGS_CHANGED = 'tenant-feature';

function effectiveState(feature: Feature, override: TenantFeatureOverride | null | undefined): TenantFeatureState {
  const enabled = override ? override.enabled : feature.defaultEnabled;
  const onValue = override?.value ?? null;
  const served = feature.type === 'boolean' ? enabled : enabled ? (onValue ?? feature.defaultValue) : feature.defaultValue;
  return {
    key: feature.key,
    description: feature.description,
    type: feature.type,
    enabled,
    value: served,
    defaultValue: feature.defaultValue,
    onValue,
    rules: override?.rules ?? [],
    rollout: override?.rollout ?? null,
    source: override && override.origin === 'override' ? 'tenant' : 'default',
    updatedAt: override?.updatedAt ?? null,
  };
}

export interface CreateFeatureCommand {
  key: string;
  description?: string;
  type?: FeatureType;
  defaultEnabled?: boolean;
  /** Required for non-boolean flags; must be of the flag's type. */
  defaultValue?: unknown;
}

export interface SetFeatureCommand {
  enabled: boolean;
  /** Value, rules and rollout; absent: kept as they are. */
  targeting?: { value?: unknown; rules?: TargetingRule[]; rollout?: Rollout | null };
}

export interface ChangePage {
  items: FeatureChange[];
  nextCursor: string | null;
}

/** The entity tag of a tenant's flag: its last update (v0: never set for this tenant). */
export function featureStateTag(state: Pick<TenantFeatureState, 'updatedAt'>): string {
  return `"v${state.updatedAt?.getTime() ?? 0}"`;
}

/** If-Match → the state the writer expects; "*" or no header: any. A tag that is not ours matches nothing. */
function expectedState(key: string, ifMatch: string | undefined): FeatureWrite['expected'] {
  if (ifMatch === undefined || ifMatch.trim() === '*') return undefined;
  const match = /^"v(\d{1,15})"$/.exec(ifMatch.trim().replace(/^W\//, ''));
  if (!match) throw new FeaturesError('FEATURE_PRECONDITION_FAILED', `If-Match ${ifMatch} is not a version of feature "${key}".`);
  const millis = Number(match[1]);
  return { updatedAt: millis === 0 ? null : new Date(millis) };
}

/** A typed flag's value and each rule's value must be of the flag's type. */
function checkTargeting(feature: Feature, targeting: FeatureWrite['targeting']): void {
  if (!targeting) return;
  const invalid = (detail: string): FeaturesError => new FeaturesError('FEATURE_INVALID', detail);
  if (targeting.value !== null) {
    if (feature.type === 'boolean') throw invalid('A boolean flag’s value is its enabled state; send no value.');
    if (!valueMatchesType(feature.type, targeting.value)) throw invalid(`value must be of type ${feature.type}.`);
  }
  for (const rule of targeting.rules) {
    if (rule.value !== undefined && !valueMatchesType(feature.type, rule.value))
      throw invalid(`A rule’s value must be of type ${feature.type}.`);
  }
}

const CATALOGUE = 'catalogue';
export const MAX_DESCRIPTION_LENGTH = 500;
const CACHE_TTL_MS = 10_000;
const TENANTS_CACHED = 10_000;
const DEFAULT_CHANGES_PAGE = 50;

/**
 * Flags are read far more often than written: the catalogue and each
 * tenant's settings are served from memory, dropped on change on every
 * instance, and a tenant's flags are derived once per change of either.
 */
@Injectable()
export class FeaturesService {
  private readonly catalogueCache;
  private readonly settingsCache;
  // Derived from the two cached arrays, which are replaced (never changed) on
  // invalidation: the flags of a pair hold as long as the pair does.
  private readonly derived = new WeakMap<TenantFeatureOverride[], { features: Feature[]; flags: TenantFlags }>();

  constructor(
    private readonly catalogue: FeaturesRepository,
    private readonly tenantFeatures: TenantFeaturesRepository,
    private readonly changes: ChangeBus,
    caches: Caches,
  ) {
    this.catalogueCache = caches.create<string, Feature[]>({
      name: 'feature-catalogue',
      capacity: 1,
      ttlMs: CACHE_TTL_MS,
      invalidatedBy: { [CATALOGUE_CHANGED]: 'all' },
    });
    this.settingsCache = caches.create<string, TenantFeatureOverride[]>({
      name: 'tenant-feature-settings',
      capacity: TENANTS_CACHED,
      ttlMs: CACHE_TTL_MS,
      invalidatedBy: { [TENANT_FLAGS_CHANGED]: 'key' },
    });
  }

  async createFeature(input: CreateFeatureCommand): Promise<Feature> {
    if (!FEATURE_KEY_PATTERN.test(input.key)) {
      throw new FeaturesError('FEATURE_INVALID', 'key must be 1 to 64 lowercase letters, digits, dots, underscores or hyphens.');
    }
    if ((input.description ?? '').length > MAX_DESCRIPTION_LENGTH)
      throw new FeaturesError('FEATURE_INVALID', `description must be at most ${MAX_DESCRIPTION_LENGTH} characters.`);
    const type = input.type ?? 'boolean';
    if (type !== 'boolean' && !valueMatchesType(type, input.defaultValue)) {
      throw new FeaturesError('FEATURE_INVALID', `A ${type} flag needs a defaultValue of type ${type}.`);
    }
    if (type === 'boolean' && input.defaultValue !== undefined && typeof input.defaultValue !== 'boolean') {
      throw new FeaturesError('FEATURE_INVALID', 'A boolean flag’s defaultValue is true or false.');
    }
    const defaultEnabled =
      type === 'boolean' ? ((input.defaultValue as boolean | undefined) ?? input.defaultEnabled ?? false) : (input.defaultEnabled ?? false);
    const defaultValue = type === 'boolean' ? false : (input.defaultValue as FlagValue);
    const feature = { key: input.key, description: input.description ?? '', type, defaultEnabled, defaultValue };
    const created = await this.catalogue.create(feature);
    if (!created) throw new FeaturesError('FEATURE_KEY_TAKEN', `A feature with key "${feature.key}" already exists.`);
    await this.changes.publish({ topic: CATALOGUE_CHANGED, key: created.key });
    return created;
  }

  listFeatures(): Promise<Feature[]> {
    return this.catalogueCache.getOrLoad(CATALOGUE, () => this.catalogue.list());
  }

  /**
   * The tenant's flags: the same instance until the catalogue or the
   * tenant's settings change. Synchronous while both are in memory (most
   * reads), so a flag read pays for no promise here.
   */
  flagsOf(tenant: Tenant): TenantFlags | Promise<TenantFlags> {
    const features = this.catalogueCache.get(CATALOGUE);
    const overrides = this.settingsCache.get(tenant.id);
    if (features && overrides) return this.derive(tenant, features, overrides);
    return Promise.all([this.listFeatures(), this.settingsCache.getOrLoad(tenant.id, () => this.tenantFeatures.list(tenant))]).then(
      ([loadedFeatures, loadedOverrides]) => this.derive(tenant, loadedFeatures, loadedOverrides),
    );
  }

  private derive(tenant: Tenant, features: Feature[], overrides: TenantFeatureOverride[]): TenantFlags {
    const known = this.derived.get(overrides);
    if (known?.features === features) return known.flags;
    const byKey = new Map(overrides.map((override) => [override.featureKey, override]));
    const flags = new TenantFlags(
      tenant,
      features.map((feature) => effectiveState(feature, byKey.get(feature.key))),
    );
    this.derived.set(overrides, { features, flags });
    return flags;
  }

  async getTenantFeature(tenant: Tenant, key: string): Promise<TenantFeatureState> {
    await this.requireFeature(key);
    return (await this.flagsOf(tenant)).find(key)!;
  }

  /** Sets flags of one tenant in one transaction, each change logged with its actor. */
  async setTenantFeatures(tenant: Tenant, writes: FeatureWrite[], actor: FeatureActor): Promise<TenantFeatureState[]> {
    if (new Set(writes.map((write) => write.key)).size !== writes.length)
      throw new FeaturesError('FEATURE_QUERY_INVALID', 'Each feature may appear once in a bulk set.');
    const features = await Promise.all(writes.map((write) => this.requireFeature(write.key)));
    writes.forEach((write, index) => checkTargeting(features[index]!, write.targeting));
    const results = await this.tenantFeatures.setMany(tenant, writes, actor);
    await this.changes.publish({ topic: TENANT_FLAGS_CHANGED, key: tenant.id });
    return results.map((result, index) => effectiveState(features[index]!, result.override));
  }

  async setTenantFeature(
    tenant: Tenant,
    key: string,
    command: SetFeatureCommand | boolean,
    actor: FeatureActor,
    ifMatch?: string,
  ): Promise<TenantFeatureState> {
    const { enabled, targeting } = typeof command === 'boolean' ? { enabled: command, targeting: undefined } : command;
    const write: FeatureWrite = { key, enabled, expected: expectedState(key, ifMatch) };
    if (targeting)
      write.targeting = {
        value: (targeting.value ?? null) as FlagValue | null,
        rules: targeting.rules ?? [],
        rollout: targeting.rollout ?? null,
      };
    const [state] = await this.setTenantFeatures(tenant, [write], actor);
    return state!;
  }

  /** A tenant's audit trail, newest first, a page at a time. */
  async listChanges(tenant: Tenant, page: { cursor?: string; limit?: number; key?: string }): Promise<ChangePage> {
    const limit = page.limit ?? DEFAULT_CHANGES_PAGE;
    if (page.cursor !== undefined && !/^\d{1,19}$/.test(page.cursor))
      throw new FeaturesError('FEATURE_QUERY_INVALID', 'cursor is not one this API returned.');
    const rows = await this.tenantFeatures.changesBefore(tenant, page.cursor, limit + 1, page.key);
    const items = rows.slice(0, limit);
    return { items, nextCursor: rows.length > limit ? items.at(-1)!.id : null };
  }

  /** The catalogue entry; FEATURE_NOT_FOUND when there is none. */
  getFeature(key: string): Promise<Feature> {
    return this.requireFeature(key);
  }

  private async requireFeature(key: string): Promise<Feature> {
    const feature = FEATURE_KEY_PATTERN.test(key) ? (await this.listFeatures()).find((candidate) => candidate.key === key) : undefined;
    if (!feature) throw new FeaturesError('FEATURE_NOT_FOUND', `No feature has key "${key}".`);
    return feature;
  }
}
