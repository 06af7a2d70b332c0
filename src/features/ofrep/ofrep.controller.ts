import { Controller, HttpCode, Param, Post, UseFilters } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AllowPublishableKey, CurrentPrincipal, RequireScopes } from '../../auth/auth.decorators.js';
import type { Principal } from '../../auth/principal.js';
import { ConditionalRead, type TaggedBody } from '../../infra/http/conditional-read.js';
import { ActingTenant, ActsOnTenant } from '../../tenants/acting-tenant.js';
import type { Tenant } from '../../tenants/tenant.js';
import type { OfrepEvaluation } from './ofrep-evaluation.js';
import { OfrepExceptionFilter } from './ofrep-exception.filter.js';
import { OfrepService } from './ofrep.service.js';
import { ProtocolBody } from '../../infra/http/validation.js';

const CONTEXT_BODY = {
  schema: {
    type: 'object',
    required: ['context'],
    properties: { context: { type: 'object', properties: { targetingKey: { type: 'string' } }, additionalProperties: true } },
  },
};

/** The OpenFeature Remote Evaluation Protocol (open-feature/protocol, service/openapi.yaml). */
@ApiTags('ofrep')
@Controller('ofrep/v1/evaluate')
@UseFilters(OfrepExceptionFilter)
export class OfrepController {
  constructor(private readonly ofrep: OfrepService) {}

  @Post('flags/:key')
  @HttpCode(200)
  @RequireScopes('features:read', { tenantOnly: true })
  @AllowPublishableKey()
  @ActsOnTenant('token')
  @ApiOperation({ summary: 'Evaluate one flag for the token’s tenant (OFREP evaluateFlag)' })
  @ApiBody(CONTEXT_BODY)
  @ApiOkResponse({ description: '{key, value, reason, variant, metadata}' })
  @ApiBadRequestResponse({ description: '{key, errorCode: INVALID_CONTEXT | PARSE_ERROR, errorDetails}' })
  @ApiNotFoundResponse({ description: '{key, errorCode: FLAG_NOT_FOUND, errorDetails}' })
  evaluateFlag(
    @ActingTenant() tenant: Tenant,
    @Param('key') key: string,
    @ProtocolBody() body: unknown,
  ): OfrepEvaluation | Promise<OfrepEvaluation> {
    return this.ofrep.evaluate(tenant, key, body);
  }

  @Post('flags')
  @HttpCode(200)
  @RequireScopes('features:read', { tenantOnly: true })
  @AllowPublishableKey()
  @ActsOnTenant('token')
  @ConditionalRead()
  @ApiOperation({ summary: 'Evaluate every flag for the token’s tenant (OFREP evaluateFlagsBulk), with ETag / If-None-Match' })
  @ApiBody(CONTEXT_BODY)
  @ApiOkResponse({ description: '{flags: [...], metadata, eventStreams: [{type: sse, url}]}; ETag header' })
  @ApiBadRequestResponse({ description: '{errorCode: INVALID_CONTEXT | PARSE_ERROR, errorDetails}' })
  evaluateFlagsBulk(
    @CurrentPrincipal() principal: Principal,
    @ActingTenant() tenant: Tenant,
    @ProtocolBody() body: unknown,
  ): TaggedBody | Promise<TaggedBody> {
    return this.ofrep.evaluateAll(principal, tenant, body);
  }
}
