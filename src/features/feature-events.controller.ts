import { Controller, Headers, type MessageEvent, Sse } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Observable } from 'rxjs';
import { AllowPublishableKey, RequireScopes } from '../auth/auth.decorators.js';
import { Public } from '../auth/public.decorator.js';
import { ActingTenant, ActsOnTenant } from '../tenants/acting-tenant.js';
import type { Tenant } from '../tenants/tenant.js';
import { FeatureEventsService, parseLastEventId } from './feature-events.service.js';
import { ProtocolQuery } from '../infra/http/validation.js';

const LAST_EVENT_ID = { name: 'Last-Event-ID', required: false, description: 'Resume after this event: every change since is sent first' };

/** The change streams, as Server-Sent Events (Nest's @Sse: headers go out with the first event, so a refusal is still a problem+json). */
@ApiTags('features')
@Controller()
export class FeatureEventsController {
  constructor(private readonly events: FeatureEventsService) {}

  @Sse('api/v1/me/feature-events')
  @RequireScopes('features:read', { tenantOnly: true })
  @AllowPublishableKey()
  @ActsOnTenant('token')
  @ApiOperation({ summary: "Server-Sent Events: a change of the token's tenant's flags, on whichever instance it happens" })
  @ApiProduces('text/event-stream')
  @ApiHeader(LAST_EVENT_ID)
  @ApiOkResponse({
    description: 'An event stream; each event: id, event: message, data {type: refetchEvaluation, key, enabled, changedAt}',
  })
  streamMyFeatureEvents(
    @ActingTenant() tenant: Tenant,
    @Headers('last-event-id') lastEventId: string | undefined,
  ): Observable<MessageEvent> {
    return this.events.events(tenant, parseLastEventId(lastEventId), true);
  }

  @Sse('api/v1/tenants/:slug/feature-events')
  @RequireScopes('features:read')
  @ActsOnTenant()
  @ApiOperation({ summary: "Server-Sent Events: a change of the tenant's flags (platform clients, or tokens of that tenant)" })
  @ApiProduces('text/event-stream')
  @ApiHeader(LAST_EVENT_ID)
  @ApiOkResponse({ description: 'An event stream, as /me/feature-events' })
  streamTenantFeatureEvents(
    @ActingTenant() tenant: Tenant,
    @Headers('last-event-id') lastEventId: string | undefined,
  ): Observable<MessageEvent> {
    return this.events.events(tenant, parseLastEventId(lastEventId), true);
  }

  @Sse('ofrep/v1/feature-events')
  @Public()
  @ApiOperation({
    summary: 'The change stream OFREP bulk evaluations point to (eventStreams): authorized by the ticket in its URL, for EventSource',
    description: 'Events carry only {type: refetchEvaluation, lastModified}; providers re-evaluate with their token.',
  })
  @ApiProduces('text/event-stream')
  @ApiQuery({ name: 'ticket', required: true, description: 'From the eventStreams URL of a bulk evaluation' })
  @ApiHeader(LAST_EVENT_ID)
  streamOfrepFeatureEvents(
    @ProtocolQuery('ticket') ticket: unknown,
    @Headers('last-event-id') lastEventId: string | undefined,
  ): Promise<Observable<MessageEvent>> {
    return this.events.eventsForTicket(ticket, parseLastEventId(lastEventId));
  }
}
