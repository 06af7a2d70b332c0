import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow, IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { FEATURE_KEY_PATTERN } from '../feature.js';
import { FEATURE_TYPES, type FeatureType, type FlagValue } from '../flag-evaluation.js';

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

  @ApiPropertyOptional({ enum: FEATURE_TYPES, default: 'boolean' })
  @IsOptional()
  @IsIn(FEATURE_TYPES)
  type?: FeatureType;

  @ApiPropertyOptional({ default: false, description: 'On or off for tenants that have not set it' })
  @IsOptional()
  @IsBoolean()
  defaultEnabled?: boolean;

  @ApiPropertyOptional({ description: 'Required for string, number and object flags: served when the flag is off for a tenant' })
  @Allow()
  defaultValue?: FlagValue;
}
