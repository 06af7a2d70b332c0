import { Injectable } from '@nestjs/common';
import { ChangeBus } from '../infra/database/change-bus.service.js';
import type { Tenant } from '../tenants/tenant.js';
import { readCondition, type ConditionReader } from './conditions.js';
import { VARIANT_NAME_PATTERN, type FeatureActor, type Segment } from './feature.js';
import { FeaturesError } from './features.errors.js';
import { TENANT_FLAGS_CHANGED } from './features.service.js';
import { invalidFields } from './flag-input.js';
import { TenantSegmentsRepository } from './tenant-segments.repository.js';

/** A tenant's segments: named conditions its flag rules refer to. A change re-derives the tenant's flags on every instance. */
@Injectable()
export class SegmentsService {
  constructor(
    private readonly segments: TenantSegmentsRepository,
    private readonly changes: ChangeBus,
  ) {}

  listSegments(tenant: Tenant): Promise<Segment[]> {
    return this.segments.list(tenant);
  }

  async getSegment(tenant: Tenant, key: string): Promise<Segment> {
    const segment = VARIANT_NAME_PATTERN.test(key)
      ? (await this.segments.list(tenant)).find((candidate) => candidate.key === key)
      : undefined;
    if (!segment) throw new FeaturesError('SEGMENT_NOT_FOUND', `No segment has key "${key}".`);
    return segment;
  }

  async putSegment(
    tenant: Tenant,
    key: string,
    input: { description?: string; when: unknown },
    actor: FeatureActor,
  ): Promise<{ segment: Segment; created: boolean }> {
    const reader: ConditionReader = { issues: [], nodes: 0, segments: undefined };
    if (!VARIANT_NAME_PATTERN.test(key))
      reader.issues.push({ pointer: '/key', detail: 'a segment key is 1 to 64 letters, digits, dots, underscores or hyphens' });
    const when = readCondition(reader, input.when, '/when');
    if (reader.issues.length > 0 || !when) throw invalidFields(reader.issues);
    const result = await this.segments.put(tenant, key, { description: input.description ?? '', when }, actor);
    await this.changes.publish({ topic: TENANT_FLAGS_CHANGED, key: tenant.id });
    return result;
  }

  async deleteSegment(tenant: Tenant, key: string, actor: FeatureActor): Promise<void> {
    if (!VARIANT_NAME_PATTERN.test(key)) throw new FeaturesError('SEGMENT_NOT_FOUND', `No segment has key "${key}".`);
    await this.segments.delete(tenant, key, actor);
    await this.changes.publish({ topic: TENANT_FLAGS_CHANGED, key: tenant.id });
  }
}
