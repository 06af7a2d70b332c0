import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { FEATURE_KEY_PATTERN } from '../feature.js';

export class FeatureWriteDto {
  @ApiProperty({ example: 'new-dashboard' })
  @IsString()
  @Matches(FEATURE_KEY_PATTERN, { message: 'key must be a feature key' })
  key!: string;

  @ApiProperty({ example: true })
  @IsBoolean()
  enabled!: boolean;
}

export class BulkSetFeaturesDto {
  @ApiProperty({ type: [FeatureWriteDto], description: 'Set together in one transaction: all or none' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  // ValidateNested alone accepts an array in place of an object (it validates its elements).
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => FeatureWriteDto)
  features!: FeatureWriteDto[];
}

export class ListChangesQueryDto {
  @ApiPropertyOptional({ description: 'Only the changes of this flag', example: 'new-dashboard' })
  @IsOptional()
  @IsString()
  @Matches(FEATURE_KEY_PATTERN, { message: 'key must be a feature key' })
  key?: string;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}
