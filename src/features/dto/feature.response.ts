import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Feature, FeatureChange, FeatureSnapshot, Segment, SegmentSnapshot, TenantFeatureState } from '../feature.js';
import { FEATURE_TYPES, type FlagMetadata, type FlagValue, type Rollout, type TargetingRule, type Variants } from '../flag-evaluation.js';
import { RolloutShareDto, TargetingRuleDto } from './set-tenant-feature.dto.js';

const VARIANTS = { type: 'object', additionalProperties: true, example: { on: true, off: false } } as const;
const METADATA = {
  type: 'object' as const,
  additionalProperties: { oneOf: [{ type: 'string' as const }, { type: 'number' as const }, { type: 'boolean' as const }] },
  example: { owner: 'growth' },
};

export class FeatureResponse {
  @ApiProperty({ example: 'new-dashboard' }) key!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ enum: FEATURE_TYPES }) type!: string;
  @ApiProperty() defaultEnabled!: boolean;
  @ApiProperty({ ...VARIANTS, description: 'Named values of the flag’s type' }) variants!: Variants;
  @ApiProperty({ description: 'Served when on, unless a tenant picks another variant' }) defaultVariant!: string;
  @ApiProperty({ description: 'Served when off' }) offVariant!: string;
  @ApiProperty({ ...METADATA, description: 'Returned in OFREP answers' }) metadata!: FlagMetadata;
  @ApiProperty({ description: 'The off variant’s value: served when the flag is off for a tenant' }) defaultValue!: FlagValue;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;

  static from(feature: Feature): FeatureResponse {
    return {
      key: feature.key,
      description: feature.description,
      type: feature.type,
      defaultEnabled: feature.defaultEnabled,
      variants: feature.variants,
      defaultVariant: feature.defaultVariant,
      offVariant: feature.offVariant,
      metadata: feature.metadata,
      defaultValue: feature.defaultValue,
      createdAt: feature.createdAt.toISOString(),
    };
  }
}

export class FeatureListResponse {
  @ApiProperty({ type: [FeatureResponse] }) items!: FeatureResponse[];
}

export class TenantFeatureResponse {
  @ApiProperty({ example: 'new-dashboard' }) key!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ enum: FEATURE_TYPES }) type!: string;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ description: 'The variant served to users no rule or rollout singles out (the off variant when off)' }) variant!: string;
  @ApiProperty({ description: 'That variant’s value' }) value!: FlagValue;
  @ApiProperty({ description: 'The variant served when on' }) onVariant!: string;
  @ApiProperty() offVariant!: string;
  @ApiProperty({ ...VARIANTS, description: 'The catalogue’s variants and the tenant’s own' }) variants!: Variants;
  @ApiProperty({ type: [TargetingRuleDto] }) rules!: TargetingRule[];
  @ApiProperty({ type: [RolloutShareDto], nullable: true }) rollout!: Rollout | null;
  @ApiProperty({ ...METADATA, description: 'The catalogue’s metadata with the tenant’s merged over it' }) metadata!: FlagMetadata;
  @ApiProperty({ enum: ['tenant', 'default'], description: 'tenant: set for this tenant; default: the catalogue default applies' })
  source!: 'tenant' | 'default';
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) updatedAt!: string | null;

  static from(state: TenantFeatureState): TenantFeatureResponse {
    const { key, description, type, enabled, variant, value, onVariant, offVariant, variants, rules, rollout, metadata, source } = state;
    return {
      key,
      description,
      type,
      enabled,
      variant,
      value,
      onVariant,
      offVariant,
      variants,
      rules,
      rollout,
      metadata,
      source,
      updatedAt: state.updatedAt?.toISOString() ?? null,
    };
  }

  static list(tenant: { slug: string }, states: readonly TenantFeatureState[]): TenantFeatureListResponse {
    return { tenant: tenant.slug, items: states.map(TenantFeatureResponse.from) };
  }
}

export class TenantFeatureListResponse {
  @ApiProperty({ example: 'acme' }) tenant!: string;
  @ApiProperty({ type: [TenantFeatureResponse] }) items!: TenantFeatureResponse[];
}

export class FeatureActorResponse {
  @ApiProperty({ description: 'The client that made the change' }) clientId!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The signed-in user, when a person made it' }) userId!: string | null;
  @ApiPropertyOptional({ description: 'The email of the person who made it, when the token named one (the console)' })
  email?: string;
}

export class FeatureChangeResponse {
  @ApiProperty({ example: '42', description: 'Increasing per tenant; also the change stream event id' }) id!: string;
  @ApiProperty({ enum: ['feature', 'segment'], description: 'What changed: a flag’s setting or a segment' }) kind!: string;
  @ApiProperty({ example: 'new-dashboard', description: 'The feature key (or segment key)' }) key!: string;
  @ApiProperty({ type: FeatureActorResponse }) actor!: FeatureActorResponse;
  @ApiProperty({
    nullable: true,
    description:
      'A flag: {enabled, origin[, variant, variants, rules, rollout, metadata]}; a segment: {description, when}. Null when there was none',
  })
  before!: FeatureSnapshot | SegmentSnapshot | null;
  @ApiProperty({ nullable: true, description: 'The same after the change; null when a segment was deleted' })
  after!: FeatureSnapshot | SegmentSnapshot | null;
  @ApiProperty({ format: 'date-time' }) changedAt!: string;

  static from(change: FeatureChange): FeatureChangeResponse {
    const { email, ...actor } = change.actor;
    return { ...change, actor: { ...actor, ...(email ? { email } : {}) }, changedAt: change.changedAt.toISOString() };
  }
}

export class FeatureChangeListResponse {
  @ApiProperty({ example: 'acme' }) tenant!: string;
  @ApiProperty({ type: [FeatureChangeResponse] }) items!: FeatureChangeResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;

  static from(tenant: { slug: string }, page: { items: FeatureChange[]; nextCursor: string | null }): FeatureChangeListResponse {
    return { tenant: tenant.slug, items: page.items.map(FeatureChangeResponse.from), nextCursor: page.nextCursor };
  }
}

export class SegmentResponse {
  @ApiProperty({ example: 'beta-testers' }) key!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ description: 'The condition (see TargetingRuleDto.when); it cannot name another segment' }) when!: object;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;

  static from(segment: Segment): SegmentResponse {
    return { key: segment.key, description: segment.description, when: segment.when, updatedAt: segment.updatedAt.toISOString() };
  }
}

export class SegmentListResponse {
  @ApiProperty({ example: 'acme' }) tenant!: string;
  @ApiProperty({ type: [SegmentResponse] }) items!: SegmentResponse[];
}
