import { BeforeApplicationShutdown, Injectable, Logger, type MessageEvent } from '@nestjs/common';
import { Observable } from 'rxjs';
import { AuthError } from '../auth/auth.errors.js';
import { ChangeBus } from '../infra/database/change-bus.service.js';
import { Draining } from '../infra/http/draining.js';
import { TenantAccessService } from '../tenants/tenant-access.service.js';
import type { Tenant } from '../tenants/tenant.js';
import { TENANT_CHANGED } from '../tenants/tenants.service.js';
import type { FeatureChange } from './feature.js';
import { FeaturesError } from './features.errors.js';
import { TENANT_FLAGS_CHANGED } from './features.service.js';
import { StreamTickets } from './stream-tickets.js';
import { TenantFeaturesRepository } from './tenant-features.repository.js';

interface Subscriber {
  tenantId: string;
  /** The last change this subscriber was sent. */
  lastId: string;
  send(change: FeatureChange): void;
  /** Ends the stream, telling the client where to resume and when to reconnect. */
  close(lastId: string): void;
  /** Whether the credential the stream was opened with still holds (asked every sweep). */
  holds?: () => boolean | Promise<boolean>;
  /** Ends the stream when its credential expires. */
  expiry?: NodeJS.Timeout;
}

/**
 * What a stream was authorized with, for as long as it runs: it ends when the
 * credential expires, or within a sweep of it being revoked, and the client
 * reconnects (Last-Event-ID: nothing is lost) with whatever it holds then.
 */
export interface StreamCredential {
  /** Seconds since the epoch; Infinity for none. */
  expiresAt: number;
  holds?: () => boolean | Promise<boolean>;
}

const PAGE = 500;
// A safety net: a notification lost (or, on the embedded database, one from
// another process that never arrives) delays an event by this much at most.
// Each sweep also asks whether every stream's credential still holds.
const SWEEP_MS = 5_000;
// setTimeout's longest delay (about 24.8 days); a later expiry is re-armed.
const MAX_TIMER_MS = 2 ** 31 - 1;
const HEARTBEAT_MS = 15_000;
/** What EventSource waits before reconnecting (the stream's `retry`). */
export const RECONNECT_MS = 1_000;

/**
 * One change as a Server-Sent Event. `data.type` is OFREP's
 * `refetchEvaluation`, so OFREP providers re-fetch; with details, the other
 * fields tell any other consumer what changed. The id is the change's, so
 * Last-Event-ID resumes exactly after it.
 */
export function changeEvent(change: FeatureChange, details: boolean): MessageEvent {
  const data = details
    ? {
        type: 'refetchEvaluation',
        ...(change.kind === 'segment' ? { segment: change.key } : { key: change.key }),
        ...(change.after && 'enabled' in change.after ? { enabled: change.after.enabled } : {}),
        changedAt: change.changedAt.toISOString(),
      }
    : { type: 'refetchEvaluation', lastModified: Math.floor(change.changedAt.getTime() / 1000) };
  return { id: change.id, type: 'message', data };
}

export function parseLastEventId(lastEventId: string | undefined): string | undefined {
  const trimmed = lastEventId?.trim() || undefined;
  if (trimmed !== undefined && !/^\d{1,19}$/.test(trimmed)) {
    throw new FeaturesError('FEATURE_QUERY_INVALID', 'Last-Event-ID is not an event id of this stream.');
  }
  return trimmed;
}

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
  private readonly sweeper = setInterval(() => {
    this.wakeAll();
    this.recheckCredentials();
  }, SWEEP_MS).unref();
  private subscribing = 0;

  constructor(
    changes: ChangeBus,
    private readonly access: TenantAccessService,
    private readonly repository: TenantFeaturesRepository,
    private readonly tickets: StreamTickets,
    private readonly draining: Draining,
  ) {
    // Stopping: streams end (with the retry hint) so their connections can close.
    draining.onBegin(() => this.closeAll());
    changes.subscribe(TENANT_FLAGS_CHANGED, (tenantId) => this.wake(tenantId));
    // A suspended, deleted or moved tenant: streams re-check it.
    changes.subscribe(TENANT_CHANGED, (tenantId) => this.wake(tenantId));
    changes.onResync(() => this.wakeAll());
  }

  /**
   * The tenant's changes as events: first a retry hint carrying the id the
   * stream starts after (every change after `lastEventId`, or from now on),
   * then every change as it commits, and a comment now and then so proxies
   * keep the connection. Unsubscribing at any point, also while the
   * subscription is still being set up, leaves nothing behind.
   */
  events(tenant: Tenant, lastEventId: string | undefined, details: boolean, credential: StreamCredential): Observable<MessageEvent> {
    return new Observable<MessageEvent>((observer) => {
      let detach: (() => void) | undefined;
      let unsubscribed = false;
      // A comment-only message (no id, no data): clients ignore it.
      const heartbeat = setInterval(() => observer.next({ comment: 'keep-alive' } as unknown as MessageEvent), HEARTBEAT_MS);
      const end = (lastId: string): void => {
        clearInterval(heartbeat);
        observer.next({ id: lastId, retry: RECONNECT_MS } as unknown as MessageEvent);
        observer.complete();
      };
      this.attach(tenant, lastEventId, credential, {
        send: (change) => observer.next(changeEvent(change, details)),
        close: end,
        // No data: EventSource dispatches nothing, but keeps the id and the retry.
        started: (startId) => observer.next({ id: startId, retry: RECONNECT_MS } as unknown as MessageEvent),
      }).then(
        (remove) => {
          if (unsubscribed) remove();
          else detach = remove;
        },
        (error: unknown) => {
          clearInterval(heartbeat);
          observer.error(error);
        },
      );
      return () => {
        unsubscribed = true;
        clearInterval(heartbeat);
        detach?.();
      };
    });
  }

  /** The stream an OFREP bulk answer points to: authorized by its ticket (EventSource sends no token), events without details. */
  async eventsForTicket(ticket: unknown, lastEventId: string | undefined): Promise<Observable<MessageEvent>> {
    const verified = typeof ticket === 'string' ? this.tickets.verify(ticket) : undefined;
    if (!verified) throw new AuthError('TOKEN_INVALID', 'The stream ticket is invalid or expired; evaluate the flags again for a new one.');
    // Without Last-Event-ID the stream starts after the change the evaluation reflected, not the newest one:
    // a change committed between the evaluation and the EventSource attaching is sent, not lost.
    const tenant = await this.access.resolveById(verified.tenantId);
    // A ticket cannot be revoked (it names no token); it holds until it expires, as the token it was issued for.
    return this.events(tenant, lastEventId ?? verified.afterChangeId, false, { expiresAt: verified.expiresAt });
  }

  /** Subscriptions still being set up (reading where their stream starts). */
  get pendingSubscriptions(): number {
    return this.subscribing;
  }

  get subscriberCount(): number {
    let count = 0;
    for (const subscribers of this.byTenant.values()) count += subscribers.size;
    return count;
  }

  /** Streams never end by themselves; end them so the HTTP server can close. */
  beforeApplicationShutdown(): void {
    this.closeAll();
  }

  private closeAll(): void {
    clearInterval(this.sweeper);
    for (const subscribers of this.byTenant.values())
      for (const subscriber of subscribers) {
        clearTimeout(subscriber.expiry);
        subscriber.close(subscriber.lastId);
      }
    this.byTenant.clear();
  }

  /** Ends a stream whose credential no longer holds; the client reconnects with what it has now. */
  private end(subscriber: Subscriber): void {
    this.remove(subscriber);
    subscriber.close(subscriber.lastId);
  }

  private expireAt(subscriber: Subscriber, expiresAtMs: number): void {
    const left = expiresAtMs - Date.now();
    if (left <= 0) return this.end(subscriber);
    subscriber.expiry = setTimeout(
      () => (left > MAX_TIMER_MS ? this.expireAt(subscriber, expiresAtMs) : this.end(subscriber)),
      Math.min(left, MAX_TIMER_MS),
    ).unref();
  }

  private recheckCredentials(): void {
    for (const subscribers of this.byTenant.values())
      for (const subscriber of subscribers) {
        if (!subscriber.holds) continue;
        Promise.resolve()
          .then(subscriber.holds)
          .then(
            (holds) => {
              if (!holds) this.end(subscriber);
            },
            // Not knowing (the database is away) is no reason to end a stream: the next sweep asks again.
            (error: unknown) => this.logger.warn(`could not re-check a stream's credential: ${(error as Error).message}`),
          );
      }
  }

  private async attach(
    tenant: Tenant,
    lastEventId: string | undefined,
    credential: StreamCredential,
    sink: Pick<Subscriber, 'send' | 'close'> & { started(startId: string): void },
  ): Promise<() => void> {
    this.subscribing += 1;
    let lastId: string;
    try {
      lastId = lastEventId ?? (await this.repository.latestChangeId(tenant));
    } finally {
      this.subscribing -= 1;
    }
    const subscriber: Subscriber = { tenantId: tenant.id, lastId, send: sink.send, close: sink.close, holds: credential.holds };
    sink.started(subscriber.lastId);
    if (this.draining.active) {
      sink.close(lastId);
      return () => undefined;
    }
    let subscribers = this.byTenant.get(tenant.id);
    if (!subscribers) this.byTenant.set(tenant.id, (subscribers = new Set()));
    subscribers.add(subscriber);
    if (Number.isFinite(credential.expiresAt)) this.expireAt(subscriber, credential.expiresAt * 1000);
    // Replays what came after Last-Event-ID, or anything that committed while subscribing.
    this.wake(tenant.id);
    return () => this.remove(subscriber);
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
    const tenant = await this.access.resolveById(tenantId).catch(() => undefined);
    if (!tenant) {
      for (const subscriber of subscribers) subscriber.close(subscriber.lastId);
      this.byTenant.delete(tenantId);
      return;
    }
    for (;;) {
      // Only the subscribers counted in `from` get this page: one that joins
      // while it is read (with an older Last-Event-ID) waits for its own pump,
      // or it would be sent later changes and skip the ones between.
      const participants = [...subscribers];
      if (participants.length === 0) return;
      const from = participants.reduce(
        (oldest, subscriber) => (BigInt(subscriber.lastId) < BigInt(oldest) ? subscriber.lastId : oldest),
        participants[0]!.lastId,
      );
      const changes = await this.repository.changesAfter(tenant, from, PAGE);
      for (const change of changes) {
        const id = BigInt(change.id);
        for (const subscriber of participants) {
          if (id <= BigInt(subscriber.lastId)) continue;
          subscriber.send(change);
          subscriber.lastId = change.id;
        }
      }
      if (changes.length < PAGE) return;
    }
  }

  private remove(subscriber: Subscriber): void {
    clearTimeout(subscriber.expiry);
    const subscribers = this.byTenant.get(subscriber.tenantId);
    subscribers?.delete(subscriber);
    if (subscribers?.size === 0) this.byTenant.delete(subscriber.tenantId);
  }
}
