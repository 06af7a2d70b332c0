import { Injectable } from '@nestjs/common';
import { ExpiringCache } from '../infra/cache/expiring-cache.js';
import { ChangeBus } from '../infra/database/change-bus.service.js';
import type { Principal } from '../auth/principal.js';
import type { Tenant } from '../tenants/tenant.js';
import { TenantAccessService } from '../tenants/tenant-access.service.js';
import { FEATURE_KEY_PATTERN, type Feature, type FeatureActor, type FeatureChange, type TenantFeatureState } from './feature.js';
import { valueMatchesType, type FeatureType, type FlagValue, type Rollout, type TargetingRule } from './flag-evaluation.js';
import { FeaturesError } from './features.errors.js';
import { FeaturesRepository } from './features.repository.js';
import { TenantFeaturesRepository, type FeatureWrite, type TenantFeatureOverride } from './tenant-features.repository.js';

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

const CATALOGUE = 'catalogue';

export interface ChangePage {
  tenant: Tenant;
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
    if (rule.value !== undefined && !valueMatchesType(feature.type, rule.value)) throw invalid(`A rule’s value must be of type ${feature.type}.`);
  }
}

function actorOf(principal: Principal): FeatureActor {
  return { clientId: principal.clientId, userId: principal.subject !== principal.clientId ? principal.subject : null };
}
const CACHE_TTL_MS = 10_000;

/**
 * Flags are read far more often than written: the catalogue and each
 * tenant's overrides are served from memory, dropped on change (ChangeBus).
 */
@Injectable()
export class FeaturesService {
  private readonly catalogueCache = new ExpiringCache<string, Feature[]>(1, CACHE_TTL_MS);
  private readonly overridesCache = new ExpiringCache<string, TenantFeatureOverride[]>(10_000, CACHE_TTL_MS);
  private readonly statesMemo = new WeakMap<TenantFeatureOverride[], { features: Feature[]; states: TenantFeatureState[] }>();

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

  async createFeature(input: CreateFeatureCommand): Promise<Feature> {
    const type = input.type ?? 'boolean';
    if (type !== 'boolean' && !valueMatchesType(type, input.defaultValue)) {
      throw new FeaturesError('FEATURE_INVALID', `A ${type} flag needs a defaultValue of type ${type}.`);
    }
    if (type === 'boolean' && input.defaultValue !== undefined && typeof input.defaultValue !== 'boolean') {
      throw new FeaturesError('FEATURE_INVALID', 'A boolean flag’s defaultValue is true or false.');
    }
    const defaultEnabled = type === 'boolean' ? ((input.defaultValue as boolean | undefined) ?? input.defaultEnabled ?? false) : (input.defaultEnabled ?? false);
    const defaultValue = type === 'boolean' ? false : (input.defaultValue as FlagValue);
    const feature = { key: input.key, description: input.description ?? '', type, defaultEnabled, defaultValue };
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
    // Both inputs are cached arrays, replaced (never changed) on invalidation,
    // so the states computed from a pair hold as long as the pair does.
    const memo = this.statesMemo.get(overrides);
    if (memo?.features === features) return memo.states;
    const byKey = new Map(overrides.map((override) => [override.featureKey, override]));
    const states = features.map((feature) => effectiveState(feature, byKey.get(feature.key)));
    this.statesMemo.set(overrides, { features, states });
    return states;
  }

  async getTenantFeature(tenant: Tenant, key: string): Promise<TenantFeatureState> {
    await this.requireFeature(key);
    const states = await this.listTenantFeatures(tenant);
    return states.find((state) => state.key === key)!;
  }

  /** Sets flags of one tenant in one transaction, each change logged with its actor. */
  async setTenantFeatures(tenant: Tenant, writes: FeatureWrite[], actor: FeatureActor): Promise<TenantFeatureState[]> {
    const features = await Promise.all(writes.map((write) => this.requireFeature(write.key)));
    writes.forEach((write, index) => checkTargeting(features[index]!, write.targeting));
    const results = await this.tenantFeatures.setMany(tenant, writes, actor);
    await this.changes.publish({ topic: 'tenant-feature', key: tenant.id });
    return results.map((result, index) => effectiveState(features[index]!, result.override));
  }

  async setTenantFeature(tenant: Tenant, key: string, command: SetFeatureCommand | boolean, actor: FeatureActor, ifMatch?: string): Promise<TenantFeatureState> {
    const { enabled, targeting } = typeof command === 'boolean' ? { enabled: command, targeting: undefined } : command;
    const write: FeatureWrite = { key, enabled, expected: expectedState(key, ifMatch) };
    if (targeting) write.targeting = { value: (targeting.value ?? null) as FlagValue | null, rules: targeting.rules ?? [], rollout: targeting.rollout ?? null };
    const [state] = await this.setTenantFeatures(tenant, [write], actor);
    return state!;
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

  async setFeatureFor(principal: Principal, slug: string, key: string, command: SetFeatureCommand | boolean, ifMatch?: string): Promise<TenantFeatureState> {
    return this.setTenantFeature(await this.access.resolve(principal, slug), key, command, actorOf(principal), ifMatch);
  }

  async setFeaturesFor(principal: Principal, slug: string, writes: { key: string; enabled: boolean }[]): Promise<TenantFeatureState[]> {
    const keys = new Set(writes.map((write) => write.key));
    if (keys.size !== writes.length) throw new FeaturesError('FEATURE_QUERY_INVALID', 'Each feature may appear once in a bulk set.');
    return this.setTenantFeatures(await this.access.resolve(principal, slug), writes, actorOf(principal));
  }

  /** A tenant's audit trail, newest first, a page at a time. */
  async listChangesFor(principal: Principal, slug: string, page: { cursor?: string; limit?: number }): Promise<ChangePage> {
    const tenant = await this.access.resolve(principal, slug);
    const limit = page.limit ?? 50;
    if (page.cursor !== undefined && !/^\d{1,19}$/.test(page.cursor)) throw new FeaturesError('FEATURE_QUERY_INVALID', 'cursor is not one this API returned.');
    const rows = await this.tenantFeatures.changesBefore(tenant, page.cursor, limit + 1);
    const items = rows.slice(0, limit);
    return { tenant, items, nextCursor: rows.length > limit ? items.at(-1)!.id : null };
  }

  private async requireFeature(key: string): Promise<Feature> {
    const feature = FEATURE_KEY_PATTERN.test(key) ? (await this.listFeatures()).find((candidate) => candidate.key === key) : undefined;
    if (!feature) throw new FeaturesError('FEATURE_NOT_FOUND', `No feature has key "${key}".`);
    return feature;
  }
}
