import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { FEATURE_KEY_PATTERN } from '../feature.js';

export class CreateFeatureDto {
  @ApiProperty({ example: 'new-dashboard', pattern: FEATURE_KEY_PATTERN.source })
  @IsString()
  @Matches(FEATURE_KEY_PATTERN, { message: 'key must be 1 to 64 lowercase letters, digits, dots, underscores or hyphens' })
  key!: string;

  @ApiPropertyOptional({ example: 'The redesigned dashboard', default: '' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiPropertyOptional({ default: false, description: 'State for tenants that have not set it' })
  @IsOptional()
  @IsBoolean()
  defaultEnabled?: boolean;
}
