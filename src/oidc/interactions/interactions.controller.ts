import { Controller, Get, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../../auth/public.decorator.js';
import { PAGE_SECURITY_HEADERS } from '../pages/html.js';
import { InteractionPagesFilter } from './interaction-pages.filter.js';
import { InteractionsService, type InteractionOutcome } from './interactions.service.js';
import { ProtocolBody } from '../../infra/http/validation.js';

/**
 * Our sign-in and consent pages (oidc-provider's `interactions.url`).
 * Browser-facing: HTML or a redirect. The handlers take the raw request and
 * reply because the provider's interaction protocol reads its cookies from
 * the Node request, and a finished step is a 303 back to the authorization
 * endpoint rather than a body.
 */
@ApiExcludeController()
@Public()
@Controller('interaction')
@UseFilters(InteractionPagesFilter)
export class InteractionsController {
  constructor(private readonly interactions: InteractionsService) {}

  @Get(':uid')
  async showInteraction(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    answer(reply, await this.interactions.show(request.raw, reply.raw));
  }

  @Post(':uid/login')
  async submitLogin(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @ProtocolBody() body: unknown): Promise<void> {
    answer(reply, await this.interactions.login(request.raw, reply.raw, body, request.ip));
  }

  @Post(':uid/confirm')
  async submitConsent(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @ProtocolBody() body: unknown): Promise<void> {
    answer(reply, await this.interactions.confirm(request.raw, reply.raw, body));
  }

  @Post(':uid/abort')
  async abortInteraction(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @ProtocolBody() body: unknown): Promise<void> {
    answer(reply, await this.interactions.abort(request.raw, reply.raw, body));
  }
}

function answer(reply: FastifyReply, outcome: InteractionOutcome): void {
  if ('redirectTo' in outcome) {
    void reply.code(303).header('Location', outcome.redirectTo).header('Cache-Control', 'no-store').send();
    return;
  }
  void reply.code(outcome.status).headers(PAGE_SECURITY_HEADERS).type('text/html; charset=utf-8').send(outcome.html);
}
