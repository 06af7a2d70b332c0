import { applyDecorators, Body, Controller, Get, Headers, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiPreconditionFailedResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, RequireScopes } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { BulkSetFeaturesDto, ListChangesQueryDto } from './dto/feature-writes.dto.js';
import { FeatureChangeListResponse, TenantFeatureListResponse, TenantFeatureResponse } from './dto/feature.response.js';
import { SetTenantFeatureDto } from './dto/set-tenant-feature.dto.js';
import { FeatureListRenderer } from './feature-list.renderer.js';
import type { TenantFeatureState } from './feature.js';
import { featureStateTag, FeaturesService } from './features.service.js';

const IF_MATCH = {
  name: 'If-Match',
  required: false,
  description: 'The ETag of the flag as last read: the change is refused with 412 if someone changed it since',
};

/** enable / disable: switch a flag, honouring If-Match. */
const SwitchRoute = (): MethodDecorator =>
  applyDecorators(
    HttpCode(200),
    RequireScopes('features:write'),
    ApiHeader(IF_MATCH),
    ApiOkResponse({ type: TenantFeatureResponse }),
    ApiPreconditionFailedResponse({ description: 'If-Match names a version that is no longer current' }),
  );

/** The flag, with its version as ETag (for If-Match on the next change). */
function tagged(response: Response, state: TenantFeatureState): TenantFeatureResponse {
  response.setHeader('ETag', featureStateTag(state));
  return TenantFeatureResponse.from(state);
}

@ApiTags('features')
@Controller('api/v1')
export class TenantFeaturesController {
  constructor(
    private readonly features: FeaturesService,
    private readonly lists: FeatureListRenderer,
  ) {}

  @Get('tenants/:slug/features')
  @RequireScopes('features:read')
  @ApiOkResponse({ type: TenantFeatureListResponse, description: "The tenant's effective flags; ETag, If-None-Match → 304" })
  @ApiNotFoundResponse({ description: 'No such tenant, or not one this token may see' })
  async listTenantFeatures(@CurrentPrincipal() principal: Principal, @Param('slug') slug: string, @Res() response: Response): Promise<void> {
    this.lists.send(response, await this.features.listFeaturesFor(principal, slug));
  }

  @Get('tenants/:slug/feature-changes')
  @RequireScopes('features:read')
  @ApiOperation({ summary: "The tenant's feature audit trail: who changed what, when; newest first" })
  @ApiOkResponse({ type: FeatureChangeListResponse })
  async listTenantFeatureChanges(
    @CurrentPrincipal() principal: Principal,
    @Param('slug') slug: string,
    @Query() query: ListChangesQueryDto,
  ): Promise<FeatureChangeListResponse> {
    return FeatureChangeListResponse.from(await this.features.listChangesFor(principal, slug, query));
  }

  @Get('tenants/:slug/features/:key')
  @RequireScopes('features:read')
  @ApiOkResponse({ type: TenantFeatureResponse, description: 'The flag; its ETag is the version If-Match takes' })
  @ApiNotFoundResponse({ description: 'No such tenant or feature' })
  async getTenantFeature(
    @CurrentPrincipal() principal: Principal,
    @Param('slug') slug: string,
    @Param('key') key: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TenantFeatureResponse> {
    return tagged(response, await this.features.getFeatureFor(principal, slug, key));
  }

  @Put('tenants/:slug/features/:key')
  @RequireScopes('features:write')
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: TenantFeatureResponse, description: 'The flag as the tenant now sees it, with its new ETag' })
  @ApiNotFoundResponse({ description: 'No such tenant or feature' })
  @ApiPreconditionFailedResponse({ description: 'If-Match names a version that is no longer current' })
  async setTenantFeature(
    @CurrentPrincipal() principal: Principal,
    @Param('slug') slug: string,
    @Param('key') key: string,
    @Body() body: SetTenantFeatureDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TenantFeatureResponse> {
    // Value, rules and rollout travel together: send any of them and the three are replaced; none, and they stay.
    const targeted = body.value !== undefined || body.rules !== undefined || body.rollout !== undefined;
    const command = { enabled: body.enabled, ...(targeted ? { targeting: { value: body.value, rules: body.rules, rollout: body.rollout } } : {}) };
    return tagged(response, await this.features.setFeatureFor(principal, slug, key, command, ifMatch));
  }

  @Post('tenants/:slug/features/:key/enable')
  @SwitchRoute()
  async enableTenantFeature(
    @CurrentPrincipal() principal: Principal,
    @Param('slug') slug: string,
    @Param('key') key: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TenantFeatureResponse> {
    return tagged(response, await this.features.setFeatureFor(principal, slug, key, true, ifMatch));
  }

  @Post('tenants/:slug/features/:key/disable')
  @SwitchRoute()
  async disableTenantFeature(
    @CurrentPrincipal() principal: Principal,
    @Param('slug') slug: string,
    @Param('key') key: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TenantFeatureResponse> {
    return tagged(response, await this.features.setFeatureFor(principal, slug, key, false, ifMatch));
  }

  @Put('tenants/:slug/features')
  @RequireScopes('features:write')
  @ApiOperation({ summary: 'Set several flags of a tenant in one transaction: all or none' })
  @ApiOkResponse({ type: TenantFeatureListResponse, description: 'The flags that were set, as the tenant now sees them' })
  async bulkSetTenantFeatures(
    @CurrentPrincipal() principal: Principal,
    @Param('slug') slug: string,
    @Body() body: BulkSetFeaturesDto,
  ): Promise<TenantFeatureListResponse> {
    const states = await this.features.setFeaturesFor(principal, slug, body.features);
    return { tenant: slug, items: states.map(TenantFeatureResponse.from) };
  }

  @Get('me/features')
  @RequireScopes('features:read')
  @ApiOkResponse({ type: TenantFeatureListResponse, description: "The effective flags of the token's tenant; ETag, If-None-Match → 304" })
  @ApiNotFoundResponse({ description: 'The token is not bound to a tenant' })
  async listMyFeatures(@CurrentPrincipal() principal: Principal, @Res() response: Response): Promise<void> {
    this.lists.send(response, await this.features.listOwnFeatures(principal));
  }
}
