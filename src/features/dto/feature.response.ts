import { ApiProperty } from '@nestjs/swagger';
import type { Feature, FeatureChange, TenantFeatureState } from '../feature.js';

export class FeatureResponse {
  @ApiProperty({ example: 'new-dashboard' }) key!: string;
  @ApiProperty() description!: string;
  @ApiProperty() defaultEnabled!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;

  static from(feature: Feature): FeatureResponse {
    return { key: feature.key, description: feature.description, defaultEnabled: feature.defaultEnabled, createdAt: feature.createdAt.toISOString() };
  }
}

export class FeatureListResponse {
  @ApiProperty({ type: [FeatureResponse] }) items!: FeatureResponse[];
}

export class TenantFeatureResponse {
  @ApiProperty({ example: 'new-dashboard' }) key!: string;
  @ApiProperty() description!: string;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ enum: ['tenant', 'default'], description: 'tenant: set for this tenant; default: the catalogue default applies' })
  source!: 'tenant' | 'default';
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) updatedAt!: string | null;

  static from(state: TenantFeatureState): TenantFeatureResponse {
    return { ...state, updatedAt: state.updatedAt?.toISOString() ?? null };
  }

  static list({ tenant, states }: { tenant: { slug: string }; states: TenantFeatureState[] }): TenantFeatureListResponse {
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
}

export class FeatureChangeResponse {
  @ApiProperty({ example: '42', description: 'Increasing per tenant; also the change stream event id' }) id!: string;
  @ApiProperty({ example: 'new-dashboard' }) key!: string;
  @ApiProperty({ type: FeatureActorResponse }) actor!: FeatureActorResponse;
  @ApiProperty({ nullable: true, description: '{enabled, origin} before, null when the tenant had no state of its own' })
  before!: { enabled: boolean; origin: string } | null;
  @ApiProperty({ description: '{enabled, origin} after' }) after!: { enabled: boolean; origin: string };
  @ApiProperty({ format: 'date-time' }) changedAt!: string;

  static from(change: FeatureChange): FeatureChangeResponse {
    return { ...change, changedAt: change.changedAt.toISOString() };
  }
}

export class FeatureChangeListResponse {
  @ApiProperty({ example: 'acme' }) tenant!: string;
  @ApiProperty({ type: [FeatureChangeResponse] }) items!: FeatureChangeResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;

  static from(page: { tenant: { slug: string }; items: FeatureChange[]; nextCursor: string | null }): FeatureChangeListResponse {
    return { tenant: page.tenant.slug, items: page.items.map(FeatureChangeResponse.from), nextCursor: page.nextCursor };
  }
}
