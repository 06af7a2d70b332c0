import { Injectable } from '@nestjs/common';
import { AuthError } from '../auth/auth.errors.js';
import { LruCache } from '../infra/cache/lru-cache.js';
import { RateLimits, type RateRule } from '../infra/rate-limit/rate-limits.js';

/** A key may burst ten seconds' worth of its rate. */
export const PUBLISHABLE_KEY_BURST_SECONDS = 10;
/** Each round trip to the shared bucket leases this fraction of a minute's budget, spent locally. */
const LEASE_FRACTION = 20;
/** Unspent leased requests lapse after the time the bucket takes to refill a lease (60 s / LEASE_FRACTION). */
const LEASE_MS = 60_000 / LEASE_FRACTION;
const CAPACITY = 10_000;

interface Lease {
  remaining: number;
  expiresAt: number;
  /** Refused by the shared bucket until then: refused here without asking again. */
  blockedUntil: number;
  refilling?: Promise<void>;
}

function limited(seconds: number): AuthError {
  return new AuthError('API_KEY_RATE_LIMITED', `This key's rate limit is reached; retry in ${seconds} s.`, { retryAfterSeconds: seconds });
}

/**
 * Per-key limits of publishable keys, held for the whole deployment by the
 * shared bucket (RateLimits, one row per key in PostgreSQL) but not paid for
 * with one SQL write per request: an instance leases a batch of requests in
 * one round trip and spends it in memory. Instances never exceed the bucket
 * together (what they lease is taken from it); at worst a lease lapses unspent.
 */
@Injectable()
export class PublishableKeyRateLimiter {
  private readonly leases = new LruCache<string, Lease>(CAPACITY);

  constructor(private readonly limits: RateLimits) {}

  admit(keyId: string, perMinute: number, now = Date.now()): void | Promise<void> {
    let lease = this.leases.get(keyId);
    if (lease === undefined) this.leases.set(keyId, (lease = { remaining: 0, expiresAt: 0, blockedUntil: 0 }));
    if (lease.blockedUntil > now) throw limited(Math.max(1, Math.ceil((lease.blockedUntil - now) / 1000)));
    if (lease.remaining > 0 && lease.expiresAt > now) {
      lease.remaining -= 1;
      return;
    }
    if (lease.refilling) return lease.refilling.then(() => this.admit(keyId, perMinute));
    const refilling = this.refill(keyId, lease, perMinute, now);
    lease.refilling = refilling;
    const settled = (): void => {
      if (lease.refilling === refilling) lease.refilling = undefined;
    };
    refilling.then(settled, settled);
    // The request that triggered the refill spends one of it, like every waiter does.
    return refilling.then(() => this.admit(keyId, perMinute));
  }

  private async refill(keyId: string, lease: Lease, perMinute: number, now: number): Promise<void> {
    const rule: RateRule = { perMinute, burstSeconds: PUBLISHABLE_KEY_BURST_SECONDS };
    const capacity = Math.max(1, Math.ceil((perMinute / 60) * PUBLISHABLE_KEY_BURST_SECONDS));
    const batch = Math.min(capacity, Math.max(1, Math.floor(perMinute / LEASE_FRACTION)));
    const bucket = `api-key:${keyId}`;
    let granted = batch;
    let wait = await this.limits.take(bucket, rule, batch);
    if (wait !== undefined && batch > 1) {
      granted = 1;
      wait = await this.limits.take(bucket, rule, 1);
    }
    if (wait !== undefined) {
      lease.remaining = 0;
      lease.blockedUntil = now + wait * 1000;
      return;
    }
    lease.remaining = granted;
    lease.expiresAt = Date.now() + LEASE_MS;
  }
}
