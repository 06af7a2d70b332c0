import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireScopes } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { SetTenantFeatureDto } from './dto/set-tenant-feature.dto.js';
import { TenantFeatureListResponse, TenantFeatureResponse } from './dto/feature.response.js';
import { FeaturesService } from './features.service.js';

@ApiTags('features')
@Controller('api/v1')
export class TenantFeaturesController {
  constructor(private readonly features: FeaturesService) {}

  @Get('tenants/:slug/features')
  @RequireScopes('features:read')
  @ApiOkResponse({ type: TenantFeatureListResponse, description: "The tenant's effective flags" })
  @ApiNotFoundResponse({ description: 'No such tenant, or not one this token may see' })
  async listTenantFeatures(@CurrentPrincipal() principal: Principal, @Param('slug') slug: string): Promise<TenantFeatureListResponse> {
    return TenantFeatureResponse.list(await this.features.listFeaturesFor(principal, slug));
  }

  @Get('tenants/:slug/features/:key')
  @RequireScopes('features:read')
  @ApiOkResponse({ type: TenantFeatureResponse })
  @ApiNotFoundResponse({ description: 'No such tenant or feature' })
  async getTenantFeature(
    @CurrentPrincipal() principal: Principal,
    @Param('slug') slug: string,
    @Param('key') key: string,
  ): Promise<TenantFeatureResponse> {
    return TenantFeatureResponse.from(await this.features.getFeatureFor(principal, slug, key));
  }

  @Put('tenants/:slug/features/:key')
  @RequireScopes('features:write')
  @ApiOkResponse({ type: TenantFeatureResponse, description: 'The flag as the tenant now sees it' })
  @ApiNotFoundResponse({ description: 'No such tenant or feature' })
  async setTenantFeature(
    @CurrentPrincipal() principal: Principal,
    @Param('slug') slug: string,
    @Param('key') key: string,
    @Body() body: SetTenantFeatureDto,
  ): Promise<TenantFeatureResponse> {
    return TenantFeatureResponse.from(await this.features.setFeatureFor(principal, slug, key, body.enabled));
  }

  @Get('me/features')
  @RequireScopes('features:read')
  @ApiOkResponse({ type: TenantFeatureListResponse, description: "The effective flags of the token's tenant" })
  @ApiNotFoundResponse({ description: 'The token is not bound to a tenant' })
  async listMyFeatures(@CurrentPrincipal() principal: Principal): Promise<TenantFeatureListResponse> {
    return TenantFeatureResponse.list(await this.features.listOwnFeatures(principal));
  }
}
