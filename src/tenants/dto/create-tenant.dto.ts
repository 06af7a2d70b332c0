import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { TENANT_SLUG_MAX_LENGTH, TENANT_SLUG_PATTERN } from '../tenant-slug.js';
import { TENANT_PLACEMENTS, type TenantPlacement } from '../tenant.js';

export class CreateTenantDto {
  @ApiProperty({ example: 'acme', pattern: TENANT_SLUG_PATTERN.source, maxLength: TENANT_SLUG_MAX_LENGTH })
  @IsString()
  @Matches(TENANT_SLUG_PATTERN, { message: 'slug must be 1 to 40 lowercase letters, digits or inner hyphens' })
  slug!: string;

  @ApiPropertyOptional({ example: 'Acme Corporation', description: 'Display name; defaults to the slug' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({
    enum: TENANT_PLACEMENTS,
    description: 'isolated: a PostgreSQL schema of its own; pooled: a shared schema under row-level security. Default: TENANT_PLACEMENT',
  })
  @IsOptional()
  @IsIn(TENANT_PLACEMENTS)
  placement?: TenantPlacement;
}
