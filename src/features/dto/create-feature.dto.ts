import { ApiProperty, ApiPropertyOptional, PartialType, PickType } from '@nestjs/swagger';
import { Allow, IsBoolean, IsIn, IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { FEATURE_KEY_PATTERN } from '../feature.js';
import { FEATURE_TYPES, type FeatureType, type FlagMetadata, type FlagValue, type Variants } from '../flag-evaluation.js';

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

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { greeting: 'hi', parting: 'bye' },
    description: 'Named values of the flag’s type (default for a boolean flag: {on: true, off: false})',
  })
  @IsOptional()
  @IsObject()
  variants?: Variants;

  @ApiPropertyOptional({ example: 'greeting', description: 'Served when on (required with variants)' })
  @IsOptional()
  @IsString()
  defaultVariant?: string;

  @ApiPropertyOptional({ example: 'parting', description: 'Served when off (required with variants)' })
  @IsOptional()
  @IsString()
  offVariant?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] },
    example: { owner: 'growth', ticket: 1234 },
    description: 'Returned in OFREP answers’ metadata',
  })
  @IsOptional()
  @IsObject()
  metadata?: FlagMetadata;

  @ApiPropertyOptional({
    description: 'Before 0.6.0, instead of variants: a string, number or object flag’s one value (variant "default")',
  })
  @Allow()
  defaultValue?: FlagValue;
}

export class UpdateFeatureDto extends PartialType(
  PickType(CreateFeatureDto, ['description', 'defaultEnabled', 'variants', 'defaultVariant', 'offVariant', 'metadata'] as const),
) {}
