import { Injectable } from '@nestjs/common';
import type { Principal } from '../../auth/principal.js';
import { ServerConfig } from '../../config/app-config.js';
import { responseEntityTag } from '../../infra/http/entity-tag.js';
import { TaggedBody } from '../../infra/http/conditional-read.js';
import type { Tenant } from '../../tenants/tenant.js';
import { FeaturesService } from '../features.service.js';
import { StreamTickets } from '../stream-tickets.js';
import type { TenantFlags } from '../tenant-flags.js';
import { evaluateState, flagNotFound, OfrepError, readContext, type EvaluationContext, type OfrepEvaluation, type OfrepFailure } from './ofrep-evaluation.js';

export interface EventStreamLink {
  type: 'sse';
  url: string;
  inactivityDelaySec: number;
}

const INACTIVITY_DELAY_SECONDS = 120;

/** The flags part of a bulk answer, rendered, with the tag the answer carries. */
interface RenderedFlags {
  json: string;
  tag: string;
}

/**
 * OpenFeature Remote Evaluation: a tenant application's flags, evaluated for
 * the tenant its token acts for. The evaluation context can target users
 * within that tenant; it can never name another tenant.
 */
@Injectable()
export class OfrepService {
  // When no flag of a tenant depends on the context, every bulk evaluation of
  // its flags is the same until they change: rendered once per TenantFlags.
  private readonly contextFree = new WeakMap<TenantFlags, RenderedFlags>();

  constructor(
    private readonly features: FeaturesService,
    private readonly tickets: StreamTickets,
    private readonly server: ServerConfig,
  ) {}

  async evaluate(tenant: Tenant, key: string, body: unknown): Promise<OfrepEvaluation> {
    const context = readContext(body, key);
    const state = (await this.features.flagsOf(tenant)).find(key);
    if (!state) throw flagNotFound(key);
    const evaluation = evaluateState(state, context, tenant.id);
    if ('errorCode' in evaluation) throw new OfrepError(400, evaluation);
    return evaluation;
  }

  /** Every flag, and where to listen for their changes; the ETag covers the flags, not the stream ticket that varies per token. */
  async evaluateAll(principal: Principal, tenant: Tenant, body: unknown): Promise<TaggedBody> {
    const context = readContext(body);
    const flags = await this.features.flagsOf(tenant);
    const rendered = flags.contextFree ? this.renderedOnce(flags, context) : this.render(flags, context);
    const metadata = JSON.stringify({ tenant: tenant.slug });
    return new TaggedBody(`{"flags":${rendered.json},"metadata":${metadata},"eventStreams":${JSON.stringify(this.eventStreams(principal, tenant))}}`, rendered.tag);
  }

  private renderedOnce(flags: TenantFlags, context: EvaluationContext): RenderedFlags {
    let rendered = this.contextFree.get(flags);
    if (!rendered) this.contextFree.set(flags, (rendered = this.render(flags, context)));
    return rendered;
  }

  private render(flags: TenantFlags, context: EvaluationContext): RenderedFlags {
    const evaluations: (OfrepEvaluation | OfrepFailure)[] = flags.states.map((state) => evaluateState(state, context, flags.tenant.id));
    const json = JSON.stringify(evaluations);
    return { json, tag: responseEntityTag(json) };
  }

  /** Where an OFREP provider listens for changes: our SSE stream, with a ticket valid as long as the token. */
  private eventStreams(principal: Principal, tenant: Tenant): EventStreamLink[] {
    const ticket = this.tickets.issue(tenant.id, principal.expiresAt);
    const url = `${this.server.publicUrl}/ofrep/v1/feature-events?ticket=${encodeURIComponent(ticket)}`;
    return [{ type: 'sse', url, inactivityDelaySec: INACTIVITY_DELAY_SECONDS }];
  }
}
