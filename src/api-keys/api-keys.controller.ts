import { Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireScopes } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { ValidBody } from '../infra/http/validation.js';
import { ActingTenant, ActsOnTenant } from '../tenants/acting-tenant.js';
import type { Tenant } from '../tenants/tenant.js';
import { ApiKeyListResponse, ApiKeyResponse, CreatedApiKeyResponse } from './dto/api-key.response.js';
import { CreateApiKeyDto } from './dto/create-api-key.dto.js';
import { ApiKeysService } from './api-keys.service.js';

/** Who created a key through the API: the platform client, and the person signed in through it if any. */
function creatorOf(principal: Principal): string {
  const client = `client:${principal.clientId}`;
  return principal.subject === principal.clientId ? client : `${client} user:${principal.subject}`;
}

@ApiTags('api-keys')
@Controller('api/v1/tenants/:slug/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @RequireScopes('tenants:write', { platformOnly: true })
  @ActsOnTenant()
  @ApiOperation({ summary: 'Create an API key for the tenant; the key is in this answer only' })
  @ApiCreatedResponse({ type: CreatedApiKeyResponse })
  @ApiBadRequestResponse({ description: 'Restrictions that do not fit the kind (origins, scopes, ranges, expiry)' })
  async createApiKey(
    @CurrentPrincipal() principal: Principal,
    @ActingTenant() tenant: Tenant,
    @ValidBody() body: CreateApiKeyDto,
  ): Promise<CreatedApiKeyResponse> {
    const { apiKey, key } = await this.apiKeys.create(tenant, body, creatorOf(principal));
    return { ...ApiKeyResponse.from(apiKey), key };
  }

  @Get()
  @RequireScopes('tenants:read', { platformOnly: true })
  @ActsOnTenant()
  @ApiOperation({ summary: 'The tenant’s API keys, revoked ones included, without the keys themselves' })
  @ApiOkResponse({ type: ApiKeyListResponse })
  async listApiKeys(@ActingTenant() tenant: Tenant): Promise<ApiKeyListResponse> {
    return { items: (await this.apiKeys.list(tenant)).map(ApiKeyResponse.from) };
  }

  @Delete(':id')
  @HttpCode(200)
  @RequireScopes('tenants:write', { platformOnly: true })
  @ActsOnTenant()
  @ApiOperation({ summary: 'Revoke an API key: it stops working at once, on every instance' })
  @ApiOkResponse({ type: ApiKeyResponse, description: 'The key, revoked' })
  @ApiNotFoundResponse({ description: 'No such tenant, or no such key in it' })
  async revokeApiKey(@ActingTenant() tenant: Tenant, @Param('id') id: string): Promise<ApiKeyResponse> {
    return ApiKeyResponse.from(await this.apiKeys.revoke(id, tenant));
  }
}
