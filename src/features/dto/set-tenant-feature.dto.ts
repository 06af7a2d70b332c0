import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow, ArrayMaxSize, IsArray, IsBoolean, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';
import { CONDITION_OPERATORS } from '../conditions.js';
import type { FlagMetadata, FlagValue, Variants } from '../flag-evaluation.js';

const CONDITION_DESCRIPTION =
  'A condition: {all: [C, ...]}, {any: [C, ...]}, {not: C}, {segment: "key"} or {attribute, op, value}; ' +
  `op one of ${CONDITION_OPERATORS.join(', ')}. Nested at most 5 levels, 200 conditions in all.`;

export class TargetingRuleDto {
  @ApiPropertyOptional({ example: 'staff', description: 'A label for people reading the rule' })
  name?: string;

  @ApiProperty({
    description: CONDITION_DESCRIPTION,
    example: {
      all: [
        { attribute: 'email', op: 'ends_with', value: '@acme.test' },
        { attribute: 'age', op: 'gte', value: 18 },
      ],
    },
  })
  when!: object;

  @ApiProperty({ example: 'on', description: "Served to users the condition matches: one of the flag's variants" })
  variant!: string;
}

export class RolloutShareDto {
  @ApiProperty({ example: 'treatment' }) variant!: string;
  @ApiProperty({ example: 50, minimum: 0, description: 'Relative weight; users are split by targetingKey in proportion' }) weight!: number;
}

export class SetTenantFeatureDto {
  @ApiProperty({ example: true })
  @IsBoolean()
  enabled!: boolean;

  @ApiPropertyOptional({
    example: 'greeting',
    nullable: true,
    description: 'Variant served when on; null: the catalogue’s default variant',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  variant?: string | null;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { spring: 'Spring sale' },
    description: 'The tenant’s own variants (name → value of the flag’s type), beside the catalogue’s',
  })
  @IsOptional()
  @IsObject()
  variants?: Variants;

  @ApiPropertyOptional({ description: 'Before 0.6.0: a typed flag’s value when on; kept, translated to a variant' })
  @Allow()
  value?: FlagValue | null;

  @ApiPropertyOptional({ type: [TargetingRuleDto], description: 'First match wins; at most 50' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  rules?: unknown[];

  @ApiPropertyOptional({
    type: [RolloutShareDto],
    nullable: true,
    description:
      'Splits users who match no rule across variants by weight, stable per targetingKey ({percentage} of before 0.6.0 is translated)',
  })
  @Allow()
  rollout?: unknown;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] },
    example: { owner: 'growth' },
    description: 'Merged over the catalogue’s metadata in OFREP answers',
  })
  @IsOptional()
  @IsObject()
  metadata?: FlagMetadata;
}
