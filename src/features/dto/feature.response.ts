import { ApiProperty } from '@nestjs/swagger';
import type { Feature, TenantFeatureState } from '../feature.js';

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
