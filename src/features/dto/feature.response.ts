import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Feature, FeatureChange, FeatureSnapshot, TenantFeatureState } from '../feature.js';
import { FEATURE_TYPES, type FlagValue, type Rollout, type TargetingRule } from '../flag-evaluation.js';
import { RolloutDto, TargetingRuleDto } from './set-tenant-feature.dto.js';

export class FeatureResponse {
  @ApiProperty({ example: 'new-dashboard' }) key!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ enum: FEATURE_TYPES }) type!: string;
  @ApiProperty() defaultEnabled!: boolean;
  @ApiProperty({ description: 'Served when the flag is off for a tenant' }) defaultValue!: FlagValue;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;

  static from(feature: Feature): FeatureResponse {
    return {
      key: feature.key,
      description: feature.description,
      type: feature.type,
      defaultEnabled: feature.defaultEnabled,
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
  @ApiProperty({ description: 'What the flag serves to users no rule or rollout singles out' }) value!: FlagValue;
  @ApiProperty({ type: [TargetingRuleDto] }) rules!: TargetingRule[];
  @ApiProperty({ type: RolloutDto, nullable: true }) rollout!: Rollout | null;
  @ApiProperty({ enum: ['tenant', 'default'], description: 'tenant: set for this tenant; default: the catalogue default applies' })
  source!: 'tenant' | 'default';
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) updatedAt!: string | null;

  static from(state: TenantFeatureState): TenantFeatureResponse {
    const { key, description, type, enabled, value, rules, rollout, source } = state;
    return { key, description, type, enabled, value, rules, rollout, source, updatedAt: state.updatedAt?.toISOString() ?? null };
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
  @ApiProperty({ example: 'new-dashboard' }) key!: string;
  @ApiProperty({ type: FeatureActorResponse }) actor!: FeatureActorResponse;
  @ApiProperty({ nullable: true, description: '{enabled, origin} before, null when the tenant had no state of its own' })
  before!: FeatureSnapshot | null;
  @ApiProperty({ description: '{enabled, origin[, value, rules, rollout]} after' }) after!: FeatureSnapshot;
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
