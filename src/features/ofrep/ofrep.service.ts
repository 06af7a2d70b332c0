import { Injectable } from '@nestjs/common';
import type { Principal } from '../../auth/principal.js';
import { ServerConfig } from '../../config/app-config.js';
import { StreamTickets } from '../stream-tickets.js';
import { FeaturesService } from '../features.service.js';
import { evaluateState, flagNotFound, OfrepError, readContext, type OfrepEvaluation, type OfrepFailure } from './ofrep-evaluation.js';

export interface BulkEvaluation {
  flags: (OfrepEvaluation | OfrepFailure)[];
  metadata: { tenant: string };
}

export interface EventStreamLink {
  type: 'sse';
  url: string;
  inactivityDelaySec: number;
}

const INACTIVITY_DELAY_SECONDS = 120;

/**
 * OpenFeature Remote Evaluation: a tenant application's flags, evaluated for
 * the tenant its token acts for. The evaluation context can target users
 * within that tenant; it can never name another tenant.
 */
@Injectable()
export class OfrepService {
  constructor(
    private readonly features: FeaturesService,
    private readonly tickets: StreamTickets,
    private readonly server: ServerConfig,
  ) {}

  async evaluate(principal: Principal, key: string, body: unknown): Promise<OfrepEvaluation> {
    const context = readContext(body, key);
    const { tenant, states } = await this.features.listOwnFeatures(principal);
    const state = states.find((candidate) => candidate.key === key);
    if (!state) throw flagNotFound(key);
    const evaluation = evaluateState(state, context, tenant.id);
    if ('errorCode' in evaluation) throw new OfrepError(400, evaluation);
    return evaluation;
  }

  /** Every flag, and where to listen for their changes (kept apart: only the flags make the ETag). */
  async evaluateAll(principal: Principal, body: unknown): Promise<{ evaluation: BulkEvaluation; eventStreams: EventStreamLink[] }> {
    const context = readContext(body);
    const { tenant, states } = await this.features.listOwnFeatures(principal);
    const flags = states.map((state) => evaluateState(state, context, tenant.id));
    return { evaluation: { flags, metadata: { tenant: tenant.slug } }, eventStreams: this.eventStreams(principal) };
  }

  /** Where an OFREP provider listens for changes: our SSE stream, with a ticket valid as long as the token. */
  private eventStreams(principal: Principal): EventStreamLink[] {
    const ticket = this.tickets.issue(principal.tenantId!, principal.expiresAt);
    const url = `${this.server.publicUrl}/ofrep/v1/feature-events?ticket=${encodeURIComponent(ticket)}`;
    return [{ type: 'sse', url, inactivityDelaySec: INACTIVITY_DELAY_SECONDS }];
  }
}
