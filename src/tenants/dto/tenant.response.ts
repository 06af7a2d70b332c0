import { ApiProperty } from '@nestjs/swagger';
import type { Tenant } from '../tenant.js';
import type { MoveResult } from '../tenant-move.service.js';
import type { TenantPage } from '../tenants.service.js';

export class TenantResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'acme' }) slug!: string;
  @ApiProperty({ example: 'Acme Corporation' }) name!: string;
  @ApiProperty({ enum: ['isolated', 'pooled'] }) placement!: string;
  @ApiProperty({ enum: ['active', 'suspended', 'deleting'] }) status!: string;
  @ApiProperty({ description: "The tenant's own admins may toggle its flags" }) adminsMayToggleFlags!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;

  static from(tenant: Tenant): TenantResponse {
    return {
      id: tenant.id,
      slug: tenant.slug,
      name: tenant.name,
      placement: tenant.placement,
      status: tenant.status,
      adminsMayToggleFlags: tenant.adminsMayToggleFlags,
      createdAt: tenant.createdAt.toISOString(),
    };
  }
}

export class TenantListResponse {
  @ApiProperty({ type: [TenantResponse] }) items!: TenantResponse[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last page' })
  nextCursor!: string | null;
  @ApiProperty({ description: 'Tenants matching the filter, across all pages' }) total!: number;

  static from(page: TenantPage): TenantListResponse {
    return { items: page.items.map(TenantResponse.from), nextCursor: page.nextCursor, total: page.total };
  }
}

export class TenantMoveResponse extends TenantResponse {
  @ApiProperty({ enum: ['isolated', 'pooled'] }) from!: string;
  @ApiProperty({ description: 'Rows copied into the new placement' }) copiedRows!: number;

  static fromMove(result: MoveResult): TenantMoveResponse {
    return { ...TenantResponse.from(result.tenant), from: result.from, copiedRows: result.copiedRows };
  }
}
