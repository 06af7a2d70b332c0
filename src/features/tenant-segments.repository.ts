import { Injectable } from '@nestjs/common';
import { Prisma } from '../generated/tenant/client.js';
import type { Tenant } from '../tenants/tenant.js';
import { TenantDataService, type TenantDatabase } from '../tenants/tenant-data.service.js';
import { segmentsNamed, type Condition } from './conditions.js';
import type { FeatureActor, Segment, SegmentSnapshot } from './feature.js';
import { FeaturesError } from './features.errors.js';
import type { TargetingRule } from './flag-evaluation.js';

const FIELDS = { key: true, description: true, when: true, updatedAt: true } as const;

/**
 * Serialises, per tenant, deleting a segment against writing rules that name
 * segments (each checks inside the lock), so a rule cannot be left naming a
 * segment deleted between the check and the commit. Held until the
 * transaction ends.
 */
export async function holdSegmentLock(db: TenantDatabase, tenant: Pick<Tenant, 'id'>): Promise<void> {
  await db.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`tenantry:segments:${tenant.id}`}, 0))`;
}

/** The keys among `keys` that the tenant has no segment for (checked under holdSegmentLock). */
export async function missingSegments(db: TenantDatabase, tenant: Pick<Tenant, 'id'>, keys: string[]): Promise<string[]> {
  if (keys.length === 0) return [];
  const found = await db.tenantSegment.findMany({ where: { tenantId: tenant.id, key: { in: keys } }, select: { key: true } });
  const present = new Set(found.map((row) => row.key));
  return keys.filter((key) => !present.has(key));
}

type SegmentRow = { key: string; description: string; when: unknown; updatedAt: Date };
const toSegment = (row: SegmentRow): Segment => ({ ...row, when: row.when as Condition });
const snapshot = (segment: Pick<Segment, 'description' | 'when'>): SegmentSnapshot => ({
  description: segment.description,
  when: segment.when,
});

/** A tenant's segments, in the tenant's own data; each change goes to the feature audit trail in its transaction. */
@Injectable()
export class TenantSegmentsRepository {
  constructor(private readonly data: TenantDataService) {}

  async list(tenant: Tenant): Promise<Segment[]> {
    const rows = await this.data.read(tenant, (db) =>
      db.tenantSegment.findMany({ where: { tenantId: tenant.id }, select: FIELDS, orderBy: { key: 'asc' } }),
    );
    return rows.map(toSegment);
  }

  /** Creates or replaces a segment; true when it was created. */
  put(
    tenant: Tenant,
    key: string,
    segment: Pick<Segment, 'description' | 'when'>,
    actor: FeatureActor,
  ): Promise<{ segment: Segment; created: boolean }> {
    return this.data.write(tenant, async (db) => {
      const where = { tenantId_key: { tenantId: tenant.id, key } };
      const found = await db.tenantSegment.findUnique({ where, select: FIELDS });
      const data = { description: segment.description, when: segment.when as unknown as Prisma.InputJsonValue };
      const row = await db.tenantSegment.upsert({ where, create: { tenantId: tenant.id, key, ...data }, update: data, select: FIELDS });
      await db.featureChange.create({
        data: {
          tenantId: tenant.id,
          featureKey: key,
          kind: 'segment',
          actorClientId: actor.clientId,
          actorUserId: actor.userId,
          before: found ? (snapshot(toSegment(found)) as unknown as Prisma.InputJsonValue) : undefined,
          after: snapshot(segment) as unknown as Prisma.InputJsonValue,
        },
      });
      return { segment: toSegment(row), created: !found };
    });
  }

  /**
   * Deletes a segment unless a flag rule of the tenant refers to it (checked
   * in the deleting transaction, under holdSegmentLock).
   */
  delete(tenant: Tenant, key: string, actor: FeatureActor): Promise<void> {
    return this.data.write(tenant, async (db) => {
      await holdSegmentLock(db, tenant);
      const found = await db.tenantSegment.findUnique({ where: { tenantId_key: { tenantId: tenant.id, key } }, select: FIELDS });
      if (!found) throw new FeaturesError('SEGMENT_NOT_FOUND', `No segment has key "${key}".`);
      const settings = await db.tenantFeature.findMany({ where: { tenantId: tenant.id }, select: { featureKey: true, rules: true } });
      const users = settings
        .filter((setting) => (setting.rules as unknown as TargetingRule[]).some((rule) => segmentsNamed(rule.when).has(key)))
        .map((setting) => setting.featureKey);
      if (users.length > 0)
        throw new FeaturesError('SEGMENT_IN_USE', `Segment "${key}" is used by the rules of ${users.join(', ')}.`, { features: users });
      await db.tenantSegment.delete({ where: { tenantId_key: { tenantId: tenant.id, key } } });
      await db.featureChange.create({
        data: {
          tenantId: tenant.id,
          featureKey: key,
          kind: 'segment',
          actorClientId: actor.clientId,
          actorUserId: actor.userId,
          before: snapshot(toSegment(found)) as unknown as Prisma.InputJsonValue,
        },
      });
    });
  }
}
