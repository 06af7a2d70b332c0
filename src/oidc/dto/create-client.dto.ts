import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { TENANT_SLUG_PATTERN } from '../../tenants/tenant-slug.js';
import { GRANT_TYPES } from '../client.js';

export class CreateClientDto {
  @ApiProperty({ example: 'acme web app' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ enum: GRANT_TYPES, isArray: true, example: ['authorization_code', 'refresh_token'] })
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(GRANT_TYPES, { each: true })
  grantTypes!: string[];

  @ApiProperty({ type: [String], example: ['openid', 'profile', 'offline_access', 'features:read'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsString({ each: true })
  scopes!: string[];

  @ApiPropertyOptional({ example: 'acme', description: 'Bind the client to a tenant; omit for a platform client' })
  @IsOptional()
  @Matches(TENANT_SLUG_PATTERN)
  tenant?: string;

  @ApiPropertyOptional({ default: false, description: 'A public client (SPA, native app): no secret, PKCE required' })
  @IsOptional()
  @IsBoolean()
  public?: boolean;

  @ApiPropertyOptional({ type: [String], example: ['https://app.acme.test/callback'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  redirectUris?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  postLogoutRedirectUris?: string[];

  @ApiPropertyOptional({
    type: [String],
    example: ['https://app.acme.test'],
    description: 'Browser origins allowed to call Tenantry for this client (CORS): scheme, host and port, https (http on localhost)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  webOrigins?: string[];
}

export class ListClientsQueryDto {
  @ApiPropertyOptional({ description: 'Only this tenant’s clients', example: 'acme' })
  @IsOptional()
  @IsString()
  @Matches(TENANT_SLUG_PATTERN, { message: 'tenant must be a tenant slug' })
  tenant?: string;
}
