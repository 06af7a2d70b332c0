import { ApiProperty } from '@nestjs/swagger';
import type { Tenant } from '../tenant.js';

export class TenantResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'acme' }) slug!: string;
  @ApiProperty({ example: 'Acme Corporation' }) name!: string;
  @ApiProperty({ enum: ['isolated', 'pooled'] }) placement!: string;
  @ApiProperty({ enum: ['active', 'suspended', 'deleting'] }) status!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;

  static from(tenant: Tenant): TenantResponse {
    return {
      id: tenant.id,
      slug: tenant.slug,
      name: tenant.name,
      placement: tenant.placement,
      status: tenant.status,
      createdAt: tenant.createdAt.toISOString(),
    };
  }
}

export class TenantListResponse {
  @ApiProperty({ type: [TenantResponse] }) items!: TenantResponse[];
}
