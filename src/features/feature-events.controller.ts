import { Controller, Headers, HttpCode, type MessageEvent, Post, Sse } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiProperty, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Observable } from 'rxjs';
import { AllowPublishableKey, CurrentPrincipal, RequireScopes } from '../auth/auth.decorators.js';
import { CredentialLiveness } from '../auth/credential-liveness.js';
import type { Principal } from '../auth/principal.js';
import { ServerConfig } from '../config/app-config.js';
import { StreamTickets } from './stream-tickets.js';
import { Public } from '../auth/public.decorator.js';
import { ActingTenant, ActsOnTenant } from '../tenants/acting-tenant.js';
import type { Tenant } from '../tenants/tenant.js';
import { FeatureEventsService, parseLastEventId, type StreamCredential } from './feature-events.service.js';
import { FeaturesService } from './features.service.js';
import { ProtocolQuery } from '../infra/http/validation.js';

const LAST_EVENT_ID = { name: 'Last-Event-ID', required: false, description: 'Resume after this event: every change since is sent first' };

export class StreamTicketResponse {
  @ApiProperty({ description: 'Open with EventSource: the ticket is in the URL' }) url!: string;
  @ApiProperty({ format: 'date-time', description: 'When the ticket stops working (the token’s expiry)' }) expiresAt!: string;
}

/** The change streams, as Server-Sent Events (Nest's @Sse: headers go out with the first event, so a refusal is still a problem+json). */
@ApiTags('features')
@Controller()
export class FeatureEventsController {
  constructor(
    private readonly events: FeatureEventsService,
    private readonly tickets: StreamTickets,
    private readonly server: ServerConfig,
    private readonly features: FeaturesService,
    private readonly credentials: CredentialLiveness,
  ) {}

  /** A stream opened with a token or key lasts while that credential holds. */
  private credentialOf(principal: Principal): StreamCredential {
    return { expiresAt: this.credentials.expiresAt(principal), holds: () => this.credentials.holds(principal) };
  }

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
    @CurrentPrincipal() principal: Principal,
    @ActingTenant() tenant: Tenant,
    @Headers('last-event-id') lastEventId: string | undefined,
  ): Observable<MessageEvent> {
    return this.events.events(tenant, parseLastEventId(lastEventId), true, this.credentialOf(principal));
  }

  @Sse('api/v1/tenants/:slug/feature-events')
  @RequireScopes('features:read')
  @ActsOnTenant()
  @ApiOperation({ summary: "Server-Sent Events: a change of the tenant's flags (platform clients, or tokens of that tenant)" })
  @ApiProduces('text/event-stream')
  @ApiHeader(LAST_EVENT_ID)
  @ApiOkResponse({ description: 'An event stream, as /me/feature-events' })
  streamTenantFeatureEvents(
    @CurrentPrincipal() principal: Principal,
    @ActingTenant() tenant: Tenant,
    @Headers('last-event-id') lastEventId: string | undefined,
  ): Observable<MessageEvent> {
    return this.events.events(tenant, parseLastEventId(lastEventId), true, this.credentialOf(principal));
  }

  @Post('api/v1/tenants/:slug/feature-events/tickets')
  @HttpCode(201)
  @RequireScopes('features:read')
  @ActsOnTenant()
  @ApiOperation({
    summary: 'A ticket for an EventSource (which cannot send a token): the change stream of this tenant, as long as the token lives',
    description: 'Events carry only {type: refetchEvaluation, lastModified}; read the flags again with the token.',
  })
  @ApiCreatedResponse({ type: StreamTicketResponse })
  async issueFeatureEventsTicket(@CurrentPrincipal() principal: Principal, @ActingTenant() tenant: Tenant): Promise<StreamTicketResponse> {
    // The stream starts after the change the tenant's flags stand at now: read them again after opening it and nothing is missed.
    const { changeId } = await this.features.flagsOf(tenant);
    const ticket = this.tickets.issue(tenant.id, principal.expiresAt, changeId);
    return {
      url: `${this.server.publicUrl}/ofrep/v1/feature-events?ticket=${encodeURIComponent(ticket)}`,
      expiresAt: new Date(principal.expiresAt * 1000).toISOString(),
    };
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
