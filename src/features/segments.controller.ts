import { Controller, Delete, Get, HttpCode, Param, Put, Res } from '@nestjs/common';
import { ApiConflictResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, RequireScopes } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { ValidBody } from '../infra/http/validation.js';
import { ActingTenant, ActsOnTenant } from '../tenants/acting-tenant.js';
import type { Tenant } from '../tenants/tenant.js';
import { SegmentListResponse, SegmentResponse } from './dto/feature.response.js';
import { PutSegmentDto } from './dto/put-segment.dto.js';
import { actorOf } from './feature.js';
import { SegmentsService } from './segments.service.js';

@ApiTags('features')
@Controller('api/v1/tenants/:slug/segments')
export class SegmentsController {
  constructor(private readonly segments: SegmentsService) {}

  @Get()
  @RequireScopes('features:read')
  @ActsOnTenant()
  @ApiOkResponse({ type: SegmentListResponse })
  async listSegments(@ActingTenant() tenant: Tenant): Promise<SegmentListResponse> {
    return { tenant: tenant.slug, items: (await this.segments.listSegments(tenant)).map(SegmentResponse.from) };
  }

  @Get(':key')
  @RequireScopes('features:read')
  @ActsOnTenant()
  @ApiOkResponse({ type: SegmentResponse })
  @ApiNotFoundResponse({ description: 'No such tenant or segment' })
  async getSegment(@ActingTenant() tenant: Tenant, @Param('key') key: string): Promise<SegmentResponse> {
    return SegmentResponse.from(await this.segments.getSegment(tenant, key));
  }

  @Put(':key')
  @RequireScopes('features:write')
  @ActsOnTenant()
  @ApiOperation({ summary: 'Create or replace a segment (201 when created); the tenant’s flags follow at once' })
  @ApiOkResponse({ type: SegmentResponse })
  async putSegment(
    @CurrentPrincipal() principal: Principal,
    @ActingTenant() tenant: Tenant,
    @Param('key') key: string,
    @ValidBody() body: PutSegmentDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SegmentResponse> {
    const { segment, created } = await this.segments.putSegment(tenant, key, body, actorOf(principal));
    void reply.code(created ? 201 : 200);
    return SegmentResponse.from(segment);
  }

  @Delete(':key')
  @HttpCode(204)
  @RequireScopes('features:write')
  @ActsOnTenant()
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse({ description: 'No such tenant or segment' })
  @ApiConflictResponse({ description: 'A flag rule of the tenant refers to the segment' })
  async deleteSegment(@CurrentPrincipal() principal: Principal, @ActingTenant() tenant: Tenant, @Param('key') key: string): Promise<void> {
    await this.segments.deleteSegment(tenant, key, actorOf(principal));
  }
}
