import { Body, Controller, Headers, HttpCode, Param, Post, Res, UseFilters } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, RequireScopes } from '../../auth/auth.decorators.js';
import type { Principal } from '../../auth/principal.js';
import { ifNoneMatchHolds, responseEntityTag } from '../../infra/http/entity-tag.js';
import type { OfrepEvaluation } from './ofrep-evaluation.js';
import { OfrepExceptionFilter } from './ofrep-exception.filter.js';
import { OfrepService } from './ofrep.service.js';

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
  @ApiOperation({ summary: 'Evaluate one flag for the token’s tenant (OFREP evaluateFlag)' })
  @ApiBody(CONTEXT_BODY)
  @ApiOkResponse({ description: '{key, value, reason, variant, metadata}' })
  @ApiBadRequestResponse({ description: '{key, errorCode: INVALID_CONTEXT | PARSE_ERROR, errorDetails}' })
  @ApiNotFoundResponse({ description: '{key, errorCode: FLAG_NOT_FOUND, errorDetails}' })
  evaluateFlag(@CurrentPrincipal() principal: Principal, @Param('key') key: string, @Body() body: unknown): Promise<OfrepEvaluation> {
    return this.ofrep.evaluate(principal, key, body);
  }

  @Post('flags')
  @HttpCode(200)
  @RequireScopes('features:read', { tenantOnly: true })
  @ApiOperation({ summary: 'Evaluate every flag for the token’s tenant (OFREP evaluateFlagsBulk), with ETag / If-None-Match' })
  @ApiBody(CONTEXT_BODY)
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'The ETag of a previous answer: 304 when nothing changed' })
  @ApiOkResponse({ description: '{flags: [...], metadata, eventStreams: [{type: sse, url}]}; ETag header' })
  @ApiResponse({ status: 304, description: 'The flags are as the If-None-Match tag says' })
  @ApiBadRequestResponse({ description: '{errorCode: INVALID_CONTEXT | PARSE_ERROR, errorDetails}' })
  async evaluateFlagsBulk(
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    const { evaluation, eventStreams } = await this.ofrep.evaluateAll(principal, body);
    // The tag covers the flags only: the stream ticket changes with the token, the flags do not.
    const tag = responseEntityTag(JSON.stringify(evaluation));
    response.setHeader('ETag', tag);
    if (ifNoneMatchHolds(ifNoneMatch, tag)) response.status(304).end();
    else response.status(200).json({ ...evaluation, eventStreams });
  }
}
