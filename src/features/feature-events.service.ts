import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { AuthError } from '../auth/auth.errors.js';
import type { Principal } from '../auth/principal.js';
import { ChangeBus } from '../infra/database/change-bus.service.js';
import { TenantAccessService } from '../tenants/tenant-access.service.js';
import type { Tenant } from '../tenants/tenant.js';
import { TenantsService } from '../tenants/tenants.service.js';
import type { FeatureChange } from './feature.js';
import { FeaturesError } from './features.errors.js';
import { StreamTickets } from './stream-tickets.js';
import { TenantFeaturesRepository } from './tenant-features.repository.js';

export interface FeatureEventSink {
  send(change: FeatureChange): void;
  close(): void;
}

interface Subscriber {
  tenantId: string;
  /** The last change this subscriber was sent. */
  lastId: string;
  sink: FeatureEventSink;
}

const PAGE = 500;
// A safety net: a notification lost (or, on the embedded database, one from
// another process that never arrives) delays an event by this much at most.
const SWEEP_MS = 5_000;

/**
 * The live change stream of tenants' flags. A change commits with its log
 * row; ChangeBus (PostgreSQL NOTIFY) wakes every instance, and each reads the
 * tenant's log once, from the oldest point any of its subscribers needs, and
 * sends every subscriber the rows after the last one it got. (A tenant's
 * browser tabs may be many: one query per change and tenant, not per tab.)
 * Because events are read from the log, not from the notification, a
 * subscriber that reconnects with Last-Event-ID gets exactly what it missed.
 */
@Injectable()
export class FeatureEventsService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(FeatureEventsService.name);
  private readonly byTenant = new Map<string, Set<Subscriber>>();
  /** One pump per tenant at a time, chained, so events go out in order. */
  private readonly pumping = new Map<string, Promise<void>>();
  private readonly sweeper = setInterval(() => this.wakeAll(), SWEEP_MS).unref();

  constructor(
    changes: ChangeBus,
    private readonly access: TenantAccessService,
    private readonly tenants: TenantsService,
    private readonly repository: TenantFeaturesRepository,
    private readonly tickets: StreamTickets,
  ) {
    changes.subscribe('tenant-feature', (tenantId) => this.wake(tenantId));
    // A suspended, deleted or moved tenant: streams re-check it.
    changes.subscribe('tenant', (tenantId) => this.wake(tenantId));
    changes.onResync(() => this.wakeAll());
  }

  /**
   * Subscribes to a tenant's changes (slug null: the token's own tenant). With
   * lastEventId, first replays every change after it. Returns the unsubscribe.
   */
  async subscribe(principal: Principal, slug: string | null, lastEventId: string | undefined, sink: FeatureEventSink): Promise<() => void> {
    const tenant = slug === null ? await this.access.resolveOwn(principal) : await this.access.resolve(principal, slug);
    return this.attach(tenant, lastEventId, sink);
  }

  /** Subscribes with a stream ticket (the OFREP eventStreams URL) instead of a token. */
  async subscribeWithTicket(ticket: string, lastEventId: string | undefined, sink: FeatureEventSink): Promise<() => void> {
    const tenantId = this.tickets.verify(ticket);
    if (!tenantId) throw new AuthError('TOKEN_INVALID', 'The stream ticket is invalid or expired; evaluate the flags again for a new one.');
    const tenant = await this.tenants.getById(tenantId);
    if (tenant.status !== 'active') throw new AuthError('TOKEN_INVALID', 'The tenant of this stream ticket is not active.');
    return this.attach(tenant, lastEventId, sink);
  }

  private async attach(tenant: Tenant, lastEventId: string | undefined, sink: FeatureEventSink): Promise<() => void> {
    if (lastEventId !== undefined && !/^\d{1,19}$/.test(lastEventId)) {
      throw new FeaturesError('FEATURE_QUERY_INVALID', 'Last-Event-ID is not an event id of this stream.');
    }
    const subscriber: Subscriber = {
      tenantId: tenant.id,
      lastId: lastEventId ?? (await this.repository.latestChangeId(tenant)),
      sink,
    };
    let subscribers = this.byTenant.get(tenant.id);
    if (!subscribers) this.byTenant.set(tenant.id, (subscribers = new Set()));
    subscribers.add(subscriber);
    // Replays what came after Last-Event-ID, or anything that committed while subscribing.
    this.wake(tenant.id);
    return () => this.remove(subscriber);
  }

  get subscriberCount(): number {
    let count = 0;
    for (const subscribers of this.byTenant.values()) count += subscribers.size;
    return count;
  }

  /** Streams never end by themselves; end them so the HTTP server can close. */
  beforeApplicationShutdown(): void {
    clearInterval(this.sweeper);
    for (const subscribers of this.byTenant.values()) for (const subscriber of subscribers) subscriber.sink.close();
    this.byTenant.clear();
  }

  private wakeAll(): void {
    for (const tenantId of this.byTenant.keys()) this.wake(tenantId);
  }

  private wake(tenantId: string): void {
    const next = (this.pumping.get(tenantId) ?? Promise.resolve())
      .then(() => this.pump(tenantId))
      .catch((error: unknown) => this.logger.error(`feature stream of tenant ${tenantId}: ${(error as Error).message}`));
    this.pumping.set(tenantId, next);
    void next.finally(() => {
      if (this.pumping.get(tenantId) === next) this.pumping.delete(tenantId);
    });
  }

  private async pump(tenantId: string): Promise<void> {
    const subscribers = this.byTenant.get(tenantId);
    if (!subscribers || subscribers.size === 0) return;
    const tenant = await this.tenants.getById(tenantId).catch(() => undefined);
    if (!tenant || tenant.status !== 'active') {
      for (const subscriber of subscribers) subscriber.sink.close();
      this.byTenant.delete(tenantId);
      return;
    }
    for (;;) {
      // Only the subscribers counted in `from` get this page: one that joins
      // while it is read (with an older Last-Event-ID) waits for its own pump,
      // or it would be sent later changes and skip the ones between.
      const participants = [...subscribers];
      if (participants.length === 0) return;
      const from = participants.reduce((oldest, subscriber) => (BigInt(subscriber.lastId) < BigInt(oldest) ? subscriber.lastId : oldest), participants[0]!.lastId);
      const changes = await this.repository.changesAfter(tenant, from, PAGE);
      for (const change of changes) {
        const id = BigInt(change.id);
        for (const subscriber of participants) {
          if (id <= BigInt(subscriber.lastId)) continue;
          subscriber.sink.send(change);
          subscriber.lastId = change.id;
        }
      }
      if (changes.length < PAGE) return;
    }
  }

  private remove(subscriber: Subscriber): void {
    const subscribers = this.byTenant.get(subscriber.tenantId);
    subscribers?.delete(subscriber);
    if (subscribers?.size === 0) this.byTenant.delete(subscriber.tenantId);
  }
}
