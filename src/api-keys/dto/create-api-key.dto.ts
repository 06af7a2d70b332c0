import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import { API_KEY_KINDS } from '../api-key.js';
import { MAX_RATE_LIMIT_PER_MINUTE } from '../api-keys.service.js';

export class CreateApiKeyDto {
  @ApiProperty({ enum: API_KEY_KINDS, description: 'publishable: browsers, flag evaluation from its origins; secret: servers, scoped' })
  @IsIn(API_KEY_KINDS)
  kind!: string;

  @ApiPropertyOptional({ example: 'landing page' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['https://www.acme.test'],
    description: 'Publishable keys (required): the exact origins pages using the key are served from; https (http on localhost)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(300, { each: true })
  origins?: string[];

  @ApiPropertyOptional({
    type: [String],
    example: ['features:read'],
    description: 'Secret keys (required): API scopes of the tenant (features:read, features:write)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  scopes?: string[];

  @ApiPropertyOptional({ type: [String], example: ['203.0.113.0/24'], description: 'Secret keys: client address ranges (CIDR) allowed' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  ipRanges?: string[];

  @ApiPropertyOptional({ format: 'date-time', description: 'When the key stops working (in the future)' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  expiresAt?: string;

  @ApiPropertyOptional({ description: 'Publishable keys: requests per minute, all users together (default API_KEY_RATE_LIMIT)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_RATE_LIMIT_PER_MINUTE)
  rateLimitPerMinute?: number;
}
