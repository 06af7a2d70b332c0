import { Injectable } from '@nestjs/common';
import type { Tenant } from '../tenants/tenant.js';
import { TenantDataService, type TenantDatabase } from '../tenants/tenant-data.service.js';
import { Prisma } from '../generated/tenant/client.js';
import type { FeatureActor, FeatureChange, FeatureSnapshot } from './feature.js';
import { compactRecord, compactRules, type FlagMetadata, type Rollout, type TargetingRule, type Variants } from './flag-evaluation.js';
import { segmentsNamed } from './conditions.js';
import { FeaturesError } from './features.errors.js';
import { holdSegmentLock, missingSegments } from './tenant-segments.repository.js';

export interface TenantFeatureOverride {
  featureKey: string;
  enabled: boolean;
  /** 'seed': the catalogue default written when the tenant was created; 'override': set by an admin. */
  origin: string;
  /** Null: the catalogue's default variant. */
  variant: string | null;
  variants: Variants;
  rules: TargetingRule[];
  rollout: Rollout | null;
  metadata: FlagMetadata;
  updatedAt: Date;
}

/** The targeting part of a setting; a write that carries it replaces it whole. */
export interface FeatureTargeting {
  variant: string | null;
  variants: Variants;
  rules: TargetingRule[];
  rollout: Rollout | null;
}

export interface FeatureWrite {
  key: string;
  enabled: boolean;
  /** Replaces variant, variants, rules and rollout; absent: they stay as they are. */
  targeting?: FeatureTargeting;
  /** Replaces the tenant's metadata; absent: it stays. */
  metadata?: FlagMetadata;
  /** If-Match: the state the writer saw (updatedAt null: no state of its own yet). */
  expected?: { updatedAt: Date | null };
}

export interface SetResult {
  override: TenantFeatureOverride;
  change: FeatureChange;
}

function preconditionFailed(key: string): FeaturesError {
  return new FeaturesError('FEATURE_PRECONDITION_FAILED', `Feature "${key}" changed since the version named in If-Match; read it again.`);
}

const FIELDS = {
  featureKey: true,
  enabled: true,
  origin: true,
  variant: true,
  variants: true,
  rules: true,
  rollout: true,
  metadata: true,
  updatedAt: true,
} as const;
const MAX_ATTEMPTS = 5;

type ChangeRow = {
  id: bigint;
  featureKey: string;
  kind: string;
  actorClientId: string;
  actorUserId: string | null;
  actorEmail: string | null;
  before: unknown;
  after: unknown;
  changedAt: Date;
};

function toChange(row: ChangeRow): FeatureChange {
  return {
    id: row.id.toString(),
    kind: row.kind === 'segment' ? 'segment' : 'feature',
    key: row.featureKey,
    actor: { clientId: row.actorClientId, userId: row.actorUserId, ...(row.actorEmail ? { email: row.actorEmail } : {}) },
    before: (row.before ?? null) as FeatureChange['before'],
    after: (row.after ?? null) as FeatureChange['after'],
    changedAt: row.changedAt,
  };
}

type OverrideRow = Omit<TenantFeatureOverride, 'variants' | 'rules' | 'rollout' | 'metadata'> & {
  variants: unknown;
  rules: unknown;
  rollout: unknown;
  metadata: unknown;
};

function toOverride(row: OverrideRow): TenantFeatureOverride {
  return {
    ...row,
    // Kept in the flag cache for as long as the tenant is read: nothing of its own is held as the shared empty value.
    origin: row.origin === 'seed' ? 'seed' : row.origin,
    variants: compactRecord(row.variants as Variants | null),
    rules: compactRules(row.rules as TargetingRule[] | null),
    rollout: (row.rollout ?? null) as Rollout | null,
    metadata: compactRecord(row.metadata as FlagMetadata | null),
  };
}

/** What the audit trail records of a setting: on/off and origin, and each targeting field that is set. */
function snapshot(override: TenantFeatureOverride | null): FeatureSnapshot | null {
  if (!override) return null;
  const { enabled, origin, variant, variants, rules, rollout, metadata } = override;
  return {
    enabled,
    origin,
    ...(variant !== null ? { variant } : {}),
    ...(Object.keys(variants).length > 0 ? { variants } : {}),
    ...(rules.length > 0 ? { rules } : {}),
    ...(rollout !== null ? { rollout } : {}),
    ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
  };
}

const json = (value: unknown): Prisma.InputJsonValue | typeof Prisma.DbNull =>
  value === null ? Prisma.DbNull : (value as Prisma.InputJsonValue);

/** Per-tenant feature state and its change log, in the tenant's own data. Every method names its tenant. */
@Injectable()
export class TenantFeaturesRepository {
  constructor(private readonly data: TenantDataService) {}

  async list(tenant: Tenant): Promise<TenantFeatureOverride[]> {
    return (await this.data.read(tenant, (db) => db.tenantFeature.findMany({ where: { tenantId: tenant.id }, select: FIELDS }))).map(
      toOverride,
    );
  }

  /**
   * Sets flags and logs each change, all in one transaction. Each update is
   * conditional on the state it read (compare-and-set on updated_at), so two
   * writers never lose each other's change: without `expected` the loser
   * re-reads and retries; with it (If-Match) the whole set is refused and
   * nothing is written.
   */
  setMany(tenant: Tenant, items: FeatureWrite[], actor: FeatureActor): Promise<SetResult[]> {
    return this.data.write(tenant, async (db) => {
      const named = new Set<string>();
      for (const item of items) for (const rule of item.targeting?.rules ?? []) segmentsNamed(rule.when, named);
      if (named.size > 0) {
        await holdSegmentLock(db, tenant);
        const missing = await missingSegments(db, tenant, [...named]);
        if (missing.length > 0)
          throw new FeaturesError('FEATURE_INVALID', `No segment has key ${missing.map((key) => `"${key}"`).join(', ')} in this tenant.`);
      }
      const results: SetResult[] = [];
      for (const item of items) results.push(await this.setOne(db, tenant, item, actor));
      return results;
    });
  }

  private async setOne(db: TenantDatabase, tenant: Tenant, item: FeatureWrite, actor: FeatureActor): Promise<SetResult> {
    const { key: featureKey, expected } = item;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const found = await db.tenantFeature.findUnique({
        where: { tenantId_featureKey: { tenantId: tenant.id, featureKey } },
        select: FIELDS,
      });
      const before = found ? toOverride(found) : null;
      if (expected && (before?.updatedAt.getTime() ?? null) !== (expected.updatedAt?.getTime() ?? null))
        throw preconditionFailed(featureKey);
      const override = await this.compareAndSet(db, tenant, item, before);
      if (!override) {
        if (expected) throw preconditionFailed(featureKey);
        continue;
      }
      const change = await db.featureChange.create({
        data: {
          tenantId: tenant.id,
          featureKey,
          actorClientId: actor.clientId,
          actorUserId: actor.userId,
          actorEmail: actor.email ?? null,
          before: (snapshot(before) ?? undefined) as Prisma.InputJsonValue | undefined,
          after: snapshot(override)! as unknown as Prisma.InputJsonValue,
        },
      });
      return { override, change: toChange(change) };
    }
    throw new FeaturesError(
      'FEATURE_WRITE_CONFLICT',
      `Feature "${featureKey}" kept changing under ${MAX_ATTEMPTS} attempts to set it; try again.`,
    );
  }

  /** Changes after `afterId`, oldest first (the change stream's replay). */
  async changesAfter(tenant: Tenant, afterId: string, limit: number): Promise<FeatureChange[]> {
    const rows = await this.data.read(tenant, (db) =>
      db.featureChange.findMany({ where: { tenantId: tenant.id, id: { gt: BigInt(afterId) } }, orderBy: { id: 'asc' }, take: limit }),
    );
    return rows.map(toChange);
  }

  /** Changes before `beforeId` (or the newest), newest first (the audit trail's pages). */
  async changesBefore(tenant: Tenant, beforeId: string | undefined, limit: number, key?: string): Promise<FeatureChange[]> {
    const rows = await this.data.read(tenant, (db) =>
      db.featureChange.findMany({
        where: {
          tenantId: tenant.id,
          ...(beforeId !== undefined ? { id: { lt: BigInt(beforeId) } } : {}),
          ...(key !== undefined ? { featureKey: key } : {}),
        },
        orderBy: { id: 'desc' },
        take: limit,
      }),
    );
    return rows.map(toChange);
  }

  /** The id of the tenant's newest change ('0' when none): where a new stream subscriber starts. */
  async latestChangeId(tenant: Tenant): Promise<string> {
    const row = await this.data.read(tenant, (db) =>
      db.featureChange.findFirst({ where: { tenantId: tenant.id }, orderBy: { id: 'desc' }, select: { id: true } }),
    );
    return row ? row.id.toString() : '0';
  }

  private async compareAndSet(
    db: TenantDatabase,
    tenant: Tenant,
    item: FeatureWrite,
    before: TenantFeatureOverride | null,
  ): Promise<TenantFeatureOverride | undefined> {
    const featureKey = item.key;
    const targeting = {
      ...(item.targeting
        ? {
            variant: item.targeting.variant,
            variants: item.targeting.variants as Prisma.InputJsonValue,
            rules: item.targeting.rules as unknown as Prisma.InputJsonValue,
            rollout: json(item.targeting.rollout),
          }
        : {}),
      ...(item.metadata ? { metadata: item.metadata as Prisma.InputJsonValue } : {}),
    };
    if (!before) {
      const created = await db.tenantFeature.createMany({
        data: [{ tenantId: tenant.id, featureKey, enabled: item.enabled, origin: 'override', ...targeting }],
        skipDuplicates: true,
      });
      if (created.count === 0) return undefined;
    } else {
      const updated = await db.tenantFeature.updateMany({
        where: { tenantId: tenant.id, featureKey, updatedAt: before.updatedAt },
        data: { enabled: item.enabled, origin: 'override', ...targeting },
      });
      if (updated.count === 0) return undefined;
    }
    const row = await db.tenantFeature.findUnique({ where: { tenantId_featureKey: { tenantId: tenant.id, featureKey } }, select: FIELDS });
    return toOverride(row!);
  }
}
