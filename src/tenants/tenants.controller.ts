import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '../auth/auth.decorators.js';
import { CreateTenantDto } from './dto/create-tenant.dto.js';
import { TenantListResponse, TenantResponse } from './dto/tenant.response.js';
import { TenantsService } from './tenants.service.js';

@ApiTags('tenants')
@Controller('api/v1/tenants')
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Post()
  @RequireScopes('tenants:write', { platformOnly: true })
  @ApiCreatedResponse({ type: TenantResponse, description: 'The tenant, its schema and migrations are created' })
  @ApiConflictResponse({ description: 'The slug is taken' })
  async createTenant(@Body() body: CreateTenantDto): Promise<TenantResponse> {
    return TenantResponse.from(await this.tenants.create(body));
  }

  @Get()
  @RequireScopes('tenants:read', { platformOnly: true })
  @ApiOkResponse({ type: TenantListResponse })
  async listTenants(): Promise<TenantListResponse> {
    return { items: (await this.tenants.list()).map(TenantResponse.from) };
  }

  @Get(':slug')
  @RequireScopes('tenants:read', { platformOnly: true })
  @ApiOkResponse({ type: TenantResponse })
  @ApiNotFoundResponse({ description: 'No such tenant' })
  async getTenant(@Param('slug') slug: string): Promise<TenantResponse> {
    return TenantResponse.from(await this.tenants.get(slug));
  }
}
