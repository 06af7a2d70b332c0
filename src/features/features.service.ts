import { Injectable } from '@nestjs/common';
import { Caches } from '../infra/cache/caches.js';
import { ChangeBus } from '../infra/database/change-bus.service.js';
import type { Tenant } from '../tenants/tenant.js';
import {
  FEATURE_KEY_PATTERN,
  type Feature,
  type FeatureActor,
  type FeatureChange,
  type Segment,
  type TenantFeatureState,
} from './feature.js';
import { FeaturesError } from './features.errors.js';
import { compactRecord, compactRules, EMPTY_RECORD } from './flag-evaluation.js';
import { FeaturesRepository } from './features.repository.js';
import { checkEdit, draftFeature, type CreateFeatureCommand, type UpdateFeatureCommand } from './catalogue-input.js';
import { checkMetadata, checkTargeting, type SettingInput } from './flag-input.js';

export { MAX_DESCRIPTION_LENGTH, type CreateFeatureCommand, type UpdateFeatureCommand } from './catalogue-input.js';
import { TenantFeaturesRepository, type FeatureWrite, type TenantFeatureOverride } from './tenant-features.repository.js';
import { TenantFlags } from './tenant-flags.js';
import { TenantSegmentsRepository } from './tenant-segments.repository.js';

/** Change topics of this module: the catalogue (key: the feature key) and a tenant's settings and segments (key: the tenant id). */
export const CATALOGUE_CHANGED = 'feature';
export const TENANT_FLAGS_CHANGED = 'tenant-feature';

export function effectiveState(feature: Feature, override: TenantFeatureOverride | null | undefined): TenantFeatureState {
  const enabled = override ? override.enabled : feature.defaultEnabled;
  const tenantVariants = compactRecord(override?.variants);
  // The catalogue's own objects where the tenant adds nothing: every tenant's state of a flag shares them.
  const variants = tenantVariants === EMPTY_RECORD ? feature.variants : { ...feature.variants, ...tenantVariants };
  const onVariant = override?.variant != null && override.variant in variants ? override.variant : feature.defaultVariant;
  const variant = enabled ? onVariant : feature.offVariant;
  const tenantMetadata = compactRecord(override?.metadata);
  return {
    key: feature.key,
    description: feature.description,
    type: feature.type,
    enabled,
    variant,
    value: variants[variant]!,
    onVariant,
    offVariant: feature.offVariant,
    defaultVariant: feature.defaultVariant,
    variants,
    tenantVariants,
    defaultValue: feature.defaultValue,
    rules: compactRules(override?.rules),
    rollout: override?.rollout ?? null,
    metadata: tenantMetadata === EMPTY_RECORD ? feature.metadata : { ...feature.metadata, ...tenantMetadata },
    tenantMetadata,
    source: override && override.origin === 'override' ? 'tenant' : 'default',
    updatedAt: override?.updatedAt ?? null,
  };
}

export interface SetFeatureCommand {
  enabled: boolean;
  /** Variant, variants, rules and rollout, as written (checked and translated here); absent: kept as they are. */
  targeting?: SettingInput;
  /** The tenant's metadata for the flag; absent: kept. */
  metadata?: unknown;
}

/** A tenant's flag settings and segments, loaded and cached together: a segment change re-derives the tenant's flags. */
export interface TenantFlagData {
  overrides: TenantFeatureOverride[];
  segments: Segment[];
  /** The newest audit-trail entry when these were read (read first, so the settings are at least as new). */
  changeId: string;
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

const CATALOGUE = 'catalogue';
const CACHE_TTL_MS = 10_000;
const TENANTS_CACHED = 10_000;
const DEFAULT_CHANGES_PAGE = 50;

/**
 * Flags are read far more often than written: the catalogue and each
 * tenant's settings and segments are served from memory, dropped on change
 * on every instance, and a tenant's flags are derived once per change of
 * either.
 */
@Injectable()
export class FeaturesService {
  private readonly catalogueCache;
  private readonly settingsCache;
  // Derived from the two cached values, which are replaced (never changed) on
  // invalidation: the flags of a pair hold as long as the pair does.
  private readonly derived = new WeakMap<TenantFlagData, { features: Feature[]; flags: TenantFlags }>();

  constructor(
    private readonly catalogue: FeaturesRepository,
    private readonly tenantFeatures: TenantFeaturesRepository,
    private readonly tenantSegments: TenantSegmentsRepository,
    private readonly changes: ChangeBus,
    caches: Caches,
  ) {
    this.catalogueCache = caches.create<string, Feature[]>({
      name: 'feature-catalogue',
      capacity: 1,
      ttlMs: CACHE_TTL_MS,
      invalidatedBy: { [CATALOGUE_CHANGED]: 'all' },
    });
    this.settingsCache = caches.create<string, TenantFlagData>({
      name: 'tenant-feature-settings',
      capacity: TENANTS_CACHED,
      ttlMs: CACHE_TTL_MS,
      invalidatedBy: { [TENANT_FLAGS_CHANGED]: 'key' },
    });
  }

  async createFeature(input: CreateFeatureCommand): Promise<Feature> {
    const feature = draftFeature(input);
    const created = await this.catalogue.create(feature);
    if (!created) throw new FeaturesError('FEATURE_KEY_TAKEN', `A feature with key "${feature.key}" already exists.`);
    await this.changes.publish({ topic: CATALOGUE_CHANGED, key: created.key });
    return created;
  }

  async getFeature(key: string): Promise<Feature> {
    return this.requireFeature(key);
  }

  async updateFeature(key: string, input: UpdateFeatureCommand): Promise<Feature> {
    const edit = checkEdit(await this.requireFeature(key), input);
    const updated = await this.catalogue.update(key, edit);
    if (!updated) throw new FeaturesError('FEATURE_NOT_FOUND', `No feature has key "${key}".`);
    await this.changes.publish({ topic: CATALOGUE_CHANGED, key });
    return updated;
  }

  listFeatures(): Promise<Feature[]> {
    return this.catalogueCache.getOrLoad(CATALOGUE, () => this.catalogue.list());
  }

  /**
   * The tenant's flags: the same instance until the catalogue or the
   * tenant's settings or segments change. Synchronous while both are in
   * memory (most reads), so a flag read pays for no promise here.
   */
  flagsOf(tenant: Tenant): TenantFlags | Promise<TenantFlags> {
    const features = this.catalogueCache.get(CATALOGUE);
    const data = this.settingsCache.get(tenant.id);
    if (features && data) return this.derive(tenant, features, data);
    return Promise.all([this.listFeatures(), this.settingsCache.getOrLoad(tenant.id, () => this.loadTenantData(tenant))]).then(
      ([loadedFeatures, loadedData]) => this.derive(tenant, loadedFeatures, loadedData),
    );
  }

  private async loadTenantData(tenant: Tenant): Promise<TenantFlagData> {
    // The change id first: a change committed after it is then either in what follows or still to come on the
    // stream, so a stream started after it repeats at most a change already seen, and never misses one.
    const changeId = await this.tenantFeatures.latestChangeId(tenant);
    const [overrides, segments] = await Promise.all([this.tenantFeatures.list(tenant), this.tenantSegments.list(tenant)]);
    return { overrides, segments, changeId };
  }

  private derive(tenant: Tenant, features: Feature[], data: TenantFlagData): TenantFlags {
    const known = this.derived.get(data);
    if (known?.features === features) return known.flags;
    const byKey = new Map(data.overrides.map((override) => [override.featureKey, override]));
    const flags = new TenantFlags(
      tenant,
      features.map((feature) => effectiveState(feature, byKey.get(feature.key))),
      data.segments,
      data.changeId,
    );
    this.derived.set(data, { features, flags });
    return flags;
  }

  async getTenantFeature(tenant: Tenant, key: string): Promise<TenantFeatureState> {
    await this.requireFeature(key);
    return (await this.flagsOf(tenant)).find(key)!;
  }

  /** Sets flags of one tenant in one transaction, each change logged with its actor. */
  async setTenantFeatures(
    tenant: Tenant,
    commands: (SetFeatureCommand & { key: string; expected?: FeatureWrite['expected'] })[],
    actor: FeatureActor,
  ): Promise<TenantFeatureState[]> {
    if (new Set(commands.map((command) => command.key)).size !== commands.length)
      throw new FeaturesError('FEATURE_QUERY_INVALID', 'Each feature may appear once in a bulk set.');
    const features = await Promise.all(commands.map((command) => this.requireFeature(command.key)));
    const needsSegments = commands.some((command) => command.targeting?.rules !== undefined && command.targeting.rules !== null);
    const segments = new Set(needsSegments ? (await this.tenantSegments.list(tenant)).map((segment) => segment.key) : []);
    const writes = commands.map((command, index): FeatureWrite => {
      const write: FeatureWrite = { key: command.key, enabled: command.enabled, expected: command.expected };
      if (command.targeting) write.targeting = checkTargeting(features[index]!, command.targeting, segments);
      if (command.metadata !== undefined) write.metadata = checkMetadata(command.metadata);
      return write;
    });
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
    const written = typeof command === 'boolean' ? { enabled: command } : command;
    const [state] = await this.setTenantFeatures(tenant, [{ ...written, key, expected: expectedState(key, ifMatch) }], actor);
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

  private async requireFeature(key: string): Promise<Feature> {
    const feature = FEATURE_KEY_PATTERN.test(key) ? (await this.listFeatures()).find((candidate) => candidate.key === key) : undefined;
    if (!feature) throw new FeaturesError('FEATURE_NOT_FOUND', `No feature has key "${key}".`);
    return feature;
  }
}
