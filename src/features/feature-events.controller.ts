import { Controller, Get, Headers, Param, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal, RequireScopes } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { Public } from '../auth/public.decorator.js';
import type { FeatureChange } from './feature.js';
import { FeatureEventsService, type FeatureEventSink } from './feature-events.service.js';

const HEARTBEAT_MS = 15_000;
const RETRY_MS = 1_000;
const normalise = (lastEventId: string | undefined): string | undefined => lastEventId?.trim() || undefined;
const LAST_EVENT_ID = { name: 'Last-Event-ID', required: false, description: 'Resume after this event: every change since is sent first' };

/**
 * One change as a Server-Sent Event. `data.type` is OFREP's
 * `refetchEvaluation`, so OFREP providers re-fetch; the other fields tell
 * any other consumer what changed.
 */
export function formatChangeEvent(change: FeatureChange, details = true): string {
  const data = details
    ? { type: 'refetchEvaluation', key: change.key, enabled: change.after.enabled, changedAt: change.changedAt.toISOString() }
    : { type: 'refetchEvaluation', lastModified: Math.floor(change.changedAt.getTime() / 1000) };
  return `id: ${change.id}\nevent: message\ndata: ${JSON.stringify(data)}\n\n`;
}

@ApiTags('features')
@Controller()
export class FeatureEventsController {
  constructor(private readonly events: FeatureEventsService) {}

  @Get('api/v1/me/feature-events')
  @RequireScopes('features:read', { tenantOnly: true })
  @ApiOperation({ summary: "Server-Sent Events: a change of the token's tenant's flags, on whichever instance it happens" })
  @ApiProduces('text/event-stream')
  @ApiHeader(LAST_EVENT_ID)
  @ApiOkResponse({ description: 'An event stream; each event: id, event: message, data {type: refetchEvaluation, key, enabled, changedAt}' })
  async streamMyFeatureEvents(
    @CurrentPrincipal() principal: Principal,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.stream(principal, null, lastEventId, request, response);
  }

  @Get('api/v1/tenants/:slug/feature-events')
  @RequireScopes('features:read')
  @ApiOperation({ summary: "Server-Sent Events: a change of the tenant's flags (platform clients, or tokens of that tenant)" })
  @ApiProduces('text/event-stream')
  @ApiHeader(LAST_EVENT_ID)
  @ApiOkResponse({ description: 'An event stream, as /me/feature-events' })
  async streamTenantFeatureEvents(
    @CurrentPrincipal() principal: Principal,
    @Param('slug') slug: string,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.stream(principal, slug, lastEventId, request, response);
  }

  @Get('ofrep/v1/feature-events')
  @Public()
  @ApiOperation({
    summary: 'The change stream OFREP bulk evaluations point to (eventStreams): authorized by the ticket in its URL, for EventSource',
    description: 'Events carry only {type: refetchEvaluation, lastModified}; providers re-evaluate with their token.',
  })
  @ApiProduces('text/event-stream')
  @ApiQuery({ name: 'ticket', required: true, description: 'From the eventStreams URL of a bulk evaluation' })
  @ApiHeader(LAST_EVENT_ID)
  async streamOfrepFeatureEvents(
    @Query('ticket') ticket: string | undefined,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.open(request, response, (sink) => this.events.subscribeWithTicket(ticket ?? '', normalise(lastEventId), sink), false);
  }

  private stream(principal: Principal, slug: string | null, lastEventId: string | undefined, request: Request, response: Response): Promise<void> {
    return this.open(request, response, (sink) => this.events.subscribe(principal, slug, normalise(lastEventId), sink), true);
  }

  private async open(
    request: Request,
    response: Response,
    subscribe: (sink: FeatureEventSink) => Promise<() => void>,
    details: boolean,
  ): Promise<void> {
    let heartbeat: NodeJS.Timeout | undefined;
    const pending: string[] = [];
    let open = false;
    const unsubscribe = await subscribe({
      send: (change) => (open ? response.write(formatChangeEvent(change, details)) : pending.push(formatChangeEvent(change, details))),
      close: () => response.end(),
    });
    response.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    response.flushHeaders();
    response.write(`retry: ${RETRY_MS}\n\n`);
    open = true;
    for (const event of pending.splice(0)) response.write(event);
    heartbeat = setInterval(() => response.write(': keep-alive\n\n'), HEARTBEAT_MS);
    request.on('close', () => {
      clearInterval(heartbeat);
      heartbeat = undefined;
      unsubscribe();
    });
  }
}
