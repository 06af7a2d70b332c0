import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  Allow,
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
  ValidateBy,
  ValidateIf,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import { RULE_OPERATORS, type FlagValue, type RuleOperator } from '../flag-evaluation.js';

const MAX_RULE_VALUE_LENGTH = 500;

/** A value a rule compares as text: a string (of bounded length), a finite number or a boolean. */
function IsRuleValue(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isRuleValue',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'boolean' ||
          (typeof value === 'number' && Number.isFinite(value)) ||
          (typeof value === 'string' && value.length <= MAX_RULE_VALUE_LENGTH),
        defaultMessage: () => `each of values must be a string (at most ${MAX_RULE_VALUE_LENGTH} characters), a number or a boolean`,
      },
    },
    options,
  );
}

export class TargetingRuleDto {
  @ApiProperty({ example: 'email', description: 'A property of the evaluation context' })
  @IsString()
  @Length(1, 100)
  attribute!: string;

  @ApiProperty({ enum: RULE_OPERATORS })
  @IsIn(RULE_OPERATORS)
  operator!: RuleOperator;

  @ApiProperty({ example: ['@acme.test'], description: 'Compared as text' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsRuleValue({ each: true })
  values!: (string | number | boolean)[];

  @ApiPropertyOptional({ description: 'Served to matching users; default: the flag’s on-value' })
  @Allow()
  value?: FlagValue;
}

export class RolloutDto {
  @ApiProperty({ minimum: 0, maximum: 100, example: 25, description: 'Share of users (by targetingKey) who get the on-value' })
  @IsNumber({ maxDecimalPlaces: 2 })
  @Min(0)
  @Max(100)
  percentage!: number;
}

export class SetTenantFeatureDto {
  @ApiProperty({ example: true })
  @IsBoolean()
  enabled!: boolean;

  @ApiPropertyOptional({ description: 'A typed flag’s value when on (of the flag’s type); null: the catalogue default' })
  @Allow()
  value?: FlagValue | null;

  @ApiPropertyOptional({ type: [TargetingRuleDto], description: 'First match wins' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => TargetingRuleDto)
  rules?: TargetingRuleDto[];

  @ApiPropertyOptional({ type: RolloutDto, nullable: true })
  @ValidateIf((_object, value) => value !== null && value !== undefined)
  // ValidateNested alone accepts an array (it validates each element: none in `[]`).
  @IsObject()
  @ValidateNested()
  @Type(() => RolloutDto)
  rollout?: RolloutDto | null;
}
