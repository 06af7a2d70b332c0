import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../tenants.service.js';
import { TENANT_PLACEMENTS, TENANT_STATUSES, type TenantPlacement, type TenantStatus } from '../tenant.js';

export class ListTenantsQueryDto {
  @ApiPropertyOptional({ enum: TENANT_PLACEMENTS })
  @IsOptional()
  @IsIn(TENANT_PLACEMENTS)
  placement?: TenantPlacement;

  @ApiPropertyOptional({ enum: TENANT_STATUSES })
  @IsOptional()
  @IsIn(TENANT_STATUSES)
  status?: TenantStatus;

  @ApiPropertyOptional({ description: 'Only tenants whose slug contains this text' })
  @IsOptional()
  @IsString()
  @MaxLength(63)
  search?: string;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;
}

export class MoveTenantDto {
  @ApiProperty({ enum: TENANT_PLACEMENTS, description: 'Where the tenant data should live' })
  @IsIn(TENANT_PLACEMENTS)
  placement!: TenantPlacement;
}

export class UpdateTenantDto {
  @ApiPropertyOptional({ description: "Platform setting: the tenant's own admins may toggle its flags" })
  @ValidateIf((_object, value) => value !== undefined) // null is not "absent": it is refused
  @IsBoolean()
  adminsMayToggleFlags?: boolean;
}
