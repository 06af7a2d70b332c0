import { Injectable } from '@nestjs/common';
import type { Principal } from '../../auth/principal.js';
import { ServerConfig } from '../../config/app-config.js';
import { responseEntityTag } from '../../infra/http/entity-tag.js';
import { TaggedBody } from '../../infra/http/conditional-read.js';
import type { Tenant } from '../../tenants/tenant.js';
import { FeaturesService } from '../features.service.js';
import { StreamTickets } from '../stream-tickets.js';
import type { CompiledFlag } from '../flag-evaluation.js';
import type { TenantFlags } from '../tenant-flags.js';
import {
  flagNotFound,
  ofrepAnswer,
  OfrepError,
  readContext,
  type EvaluationContext,
  type OfrepAnswer,
  type OfrepEvaluation,
} from './ofrep-evaluation.js';

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
  // Each tenant's flags compiled once per change: rules and segments as closures, every possible answer rendered.
  private readonly compiled = new WeakMap<
    TenantFlags,
    { list: CompiledFlag<OfrepAnswer>[]; byKey: Map<string, CompiledFlag<OfrepAnswer>> }
  >();
  // A principal is kept (verified once) for as long as its token is used: its stream link is built once.
  private readonly streamLinks = new WeakMap<Principal, string>();

  constructor(
    private readonly features: FeaturesService,
    private readonly tickets: StreamTickets,
    private readonly server: ServerConfig,
  ) {}

  evaluate(tenant: Tenant, key: string, body: unknown): OfrepEvaluation | Promise<OfrepEvaluation> {
    const context = readContext(body, key);
    const flags = this.features.flagsOf(tenant);
    return flags instanceof Promise
      ? flags.then((loaded) => this.evaluateOne(loaded, key, context))
      : this.evaluateOne(flags, key, context);
  }

  /** Every flag, and where to listen for their changes; the ETag covers the flags, not the stream ticket that varies per token. */
  evaluateAll(principal: Principal, tenant: Tenant, body: unknown): TaggedBody | Promise<TaggedBody> {
    const context = readContext(body);
    const flags = this.features.flagsOf(tenant);
    return flags instanceof Promise
      ? flags.then((loaded) => this.bulk(principal, tenant, loaded, context))
      : this.bulk(principal, tenant, flags, context);
  }

  private compiledOf(flags: TenantFlags): { list: CompiledFlag<OfrepAnswer>[]; byKey: Map<string, CompiledFlag<OfrepAnswer>> } {
    let compiled = this.compiled.get(flags);
    if (!compiled) {
      const list = flags.compile(ofrepAnswer);
      compiled = { list, byKey: new Map(flags.states.map((state, index) => [state.key, list[index]!])) };
      this.compiled.set(flags, compiled);
    }
    return compiled;
  }

  private evaluateOne(flags: TenantFlags, key: string, context: EvaluationContext): OfrepEvaluation {
    const flag = this.compiledOf(flags).byKey.get(key);
    if (!flag) throw flagNotFound(key);
    const { evaluation } = flag.evaluate(context);
    if ('errorCode' in evaluation) throw new OfrepError(400, evaluation);
    return evaluation;
  }

  private bulk(principal: Principal, tenant: Tenant, flags: TenantFlags, context: EvaluationContext): TaggedBody {
    const rendered = flags.contextFree ? this.renderedOnce(flags, context) : this.render(flags, context);
    // Rendered only for a 200: a matching If-None-Match needs the tag alone.
    return new TaggedBody(
      () =>
        `{"flags":${rendered.json},"metadata":${JSON.stringify({ tenant: tenant.slug })},"eventStreams":${this.eventStreams(principal, tenant)}}`,
      rendered.tag,
    );
  }

  private renderedOnce(flags: TenantFlags, context: EvaluationContext): RenderedFlags {
    let rendered = this.contextFree.get(flags);
    if (!rendered) this.contextFree.set(flags, (rendered = this.render(flags, context)));
    return rendered;
  }

  private render(flags: TenantFlags, context: EvaluationContext): RenderedFlags {
    let json = '[';
    for (const flag of this.compiledOf(flags).list) json += (json.length > 1 ? ',' : '') + flag.evaluate(context).json;
    json += ']';
    return { json, tag: responseEntityTag(json) };
  }

  /** Where an OFREP provider listens for changes (as JSON): our SSE stream, with a ticket valid as long as the token. */
  private eventStreams(principal: Principal, tenant: Tenant): string {
    let links = this.streamLinks.get(principal);
    if (links === undefined) {
      const ticket = this.tickets.issue(tenant.id, principal.expiresAt);
      const url = `${this.server.publicUrl}/ofrep/v1/feature-events?ticket=${encodeURIComponent(ticket)}`;
      const streams: EventStreamLink[] = [{ type: 'sse', url, inactivityDelaySec: INACTIVITY_DELAY_SECONDS }];
      this.streamLinks.set(principal, (links = JSON.stringify(streams)));
    }
    return links;
  }
}
