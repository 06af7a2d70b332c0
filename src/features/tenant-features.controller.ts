import { applyDecorators, Controller, Get, Headers, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiPreconditionFailedResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireScopes } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { ConditionalRead, TaggedBody } from '../infra/http/conditional-read.js';
import { ActingTenant, ActsOnTenant } from '../tenants/acting-tenant.js';
import type { Tenant } from '../tenants/tenant.js';
import { BulkSetFeaturesDto, ListChangesQueryDto } from './dto/feature-writes.dto.js';
import { FeatureChangeListResponse, TenantFeatureListResponse, TenantFeatureResponse } from './dto/feature.response.js';
import { SetTenantFeatureDto } from './dto/set-tenant-feature.dto.js';
import { actorOf, type TenantFeatureState } from './feature.js';
import { featureStateTag, FeaturesService } from './features.service.js';
import type { TenantFlags } from './tenant-flags.js';
import { ValidBody, ValidQuery } from '../infra/http/validation.js';

const IF_MATCH = {
  name: 'If-Match',
  required: false,
  description: 'The ETag of the flag as last read: the change is refused with 412 if someone changed it since',
};

/** A flag change: honours If-Match, answers the flag with its new version as ETag. */
const FlagWrite = (): MethodDecorator =>
  applyDecorators(
    RequireScopes('features:write'),
    ActsOnTenant(),
    ApiHeader(IF_MATCH),
    ApiOkResponse({
      type: TenantFeatureResponse,
      description: 'The flag as the tenant now sees it; its ETag is the version If-Match takes',
    }),
    ApiNotFoundResponse({ description: 'No such tenant or feature' }),
    ApiPreconditionFailedResponse({ description: 'If-Match names a version that is no longer current' }),
  );

/** The flag, tagged with its version (for If-Match on the next change). */
function versioned(state: TenantFeatureState): TaggedBody {
  return new TaggedBody(JSON.stringify(TenantFeatureResponse.from(state)), featureStateTag(state));
}

/** The rendered list, without a promise when the flags were in memory. */
function listOf(flags: TenantFlags | Promise<TenantFlags>): TaggedBody | Promise<TaggedBody> {
  return flags instanceof Promise ? flags.then((loaded) => loaded.list) : flags.list;
}

@ApiTags('features')
@Controller('api/v1')
export class TenantFeaturesController {
  constructor(private readonly features: FeaturesService) {}

  @Get('tenants/:slug/features')
  @RequireScopes('features:read')
  @ActsOnTenant()
  @ConditionalRead()
  @ApiOkResponse({ type: TenantFeatureListResponse, description: "The tenant's effective flags" })
  listTenantFeatures(@ActingTenant() tenant: Tenant): TaggedBody | Promise<TaggedBody> {
    return listOf(this.features.flagsOf(tenant));
  }

  @Get('me/features')
  @RequireScopes('features:read', { tenantOnly: true })
  @ActsOnTenant('token')
  @ConditionalRead()
  @ApiOkResponse({ type: TenantFeatureListResponse, description: "The effective flags of the token's tenant" })
  listMyFeatures(@ActingTenant() tenant: Tenant): TaggedBody | Promise<TaggedBody> {
    return listOf(this.features.flagsOf(tenant));
  }

  @Get('tenants/:slug/feature-changes')
  @RequireScopes('features:read')
  @ActsOnTenant()
  @ApiOperation({ summary: "The tenant's feature audit trail: who changed what, when; newest first" })
  @ApiOkResponse({ type: FeatureChangeListResponse })
  async listTenantFeatureChanges(
    @ActingTenant() tenant: Tenant,
    @ValidQuery() query: ListChangesQueryDto,
  ): Promise<FeatureChangeListResponse> {
    return FeatureChangeListResponse.from(tenant, await this.features.listChanges(tenant, query));
  }

  @Get('tenants/:slug/features/:key')
  @RequireScopes('features:read')
  @ActsOnTenant()
  @ConditionalRead()
  @ApiOkResponse({ type: TenantFeatureResponse, description: 'The flag; its ETag is the version If-Match takes' })
  @ApiNotFoundResponse({ description: 'No such tenant or feature' })
  async getTenantFeature(@ActingTenant() tenant: Tenant, @Param('key') key: string): Promise<TaggedBody> {
    return versioned(await this.features.getTenantFeature(tenant, key));
  }

  @Put('tenants/:slug/features/:key')
  @FlagWrite()
  async setTenantFeature(
    @CurrentPrincipal() principal: Principal,
    @ActingTenant() tenant: Tenant,
    @Param('key') key: string,
    @ValidBody() body: SetTenantFeatureDto,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<TaggedBody> {
    // Variant, variants, rules and rollout (or value) travel together: send any and they are replaced; none, and they stay.
    const { enabled, metadata, ...targeting } = body;
    const targeted = Object.values(targeting).some((field) => field !== undefined);
    const command = { enabled, ...(targeted ? { targeting } : {}), ...(metadata !== undefined ? { metadata } : {}) };
    return versioned(await this.features.setTenantFeature(tenant, key, command, actorOf(principal), ifMatch));
  }

  @Post('tenants/:slug/features/:key/enable')
  @HttpCode(200)
  @FlagWrite()
  async enableTenantFeature(
    @CurrentPrincipal() principal: Principal,
    @ActingTenant() tenant: Tenant,
    @Param('key') key: string,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<TaggedBody> {
    return versioned(await this.features.setTenantFeature(tenant, key, true, actorOf(principal), ifMatch));
  }

  @Post('tenants/:slug/features/:key/disable')
  @HttpCode(200)
  @FlagWrite()
  async disableTenantFeature(
    @CurrentPrincipal() principal: Principal,
    @ActingTenant() tenant: Tenant,
    @Param('key') key: string,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<TaggedBody> {
    return versioned(await this.features.setTenantFeature(tenant, key, false, actorOf(principal), ifMatch));
  }

  @Put('tenants/:slug/features')
  @RequireScopes('features:write')
  @ActsOnTenant()
  @ApiOperation({ summary: 'Set several flags of a tenant in one transaction: all or none' })
  @ApiOkResponse({ type: TenantFeatureListResponse, description: 'The flags that were set, as the tenant now sees them' })
  async bulkSetTenantFeatures(
    @CurrentPrincipal() principal: Principal,
    @ActingTenant() tenant: Tenant,
    @ValidBody() body: BulkSetFeaturesDto,
  ): Promise<TenantFeatureListResponse> {
    return TenantFeatureResponse.list(tenant, await this.features.setTenantFeatures(tenant, body.features, actorOf(principal)));
  }
}
