import type { IncomingMessage } from 'node:http';
import { LruCache } from '../infra/cache/lru-cache.js';

const BURST_SECONDS = 10;
const TRACKED_CALLERS = 50_000;

function decodeComponent(value: string): string | undefined {
  try {
    return decodeURIComponent(value.replace(/\+/g, '%20'));
  } catch {
    return undefined;
  }
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * Token-bucket limit on /oidc/token per client (the Basic-auth client id) or,
 * for requests without one, per address. In-process: with N instances the
 * ceiling is N times the limit, which still stops a runaway client.
 */
export class TokenRateLimiter {
  private readonly buckets = new LruCache<string, Bucket>(TRACKED_CALLERS);
  private readonly perMs: number;
  private readonly capacity: number;

  constructor(
    readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {
    this.perMs = perMinute / 60_000;
    this.capacity = Math.max(1, Math.ceil((perMinute / 60) * BURST_SECONDS));
  }

  get enabled(): boolean {
    return this.perMinute > 0;
  }

  static callerOf(request: IncomingMessage): string {
    const authorization = request.headers.authorization;
    if (authorization?.startsWith('Basic ')) {
      const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
      const separator = decoded.indexOf(':');
      // RFC 6749 §2.3.1: the client id is form-urlencoded. One that does not
      // decode is the provider's 400 to give; until then it counts against
      // the caller's address (a malformed escape must not throw here).
      const clientId = separator > 0 ? decodeComponent(decoded.slice(0, separator)) : undefined;
      if (clientId !== undefined) return `client:${clientId}`;
    }
    return `address:${request.socket.remoteAddress ?? 'unknown'}`;
  }

  /** Takes one token; returns the seconds to wait when there is none. */
  take(caller: string): number | undefined {
    const now = this.now();
    const bucket = this.buckets.get(caller) ?? { tokens: this.capacity, updatedAt: now };
    bucket.tokens = Math.min(this.capacity, bucket.tokens + (now - bucket.updatedAt) * this.perMs);
    bucket.updatedAt = now;
    this.buckets.set(caller, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return Math.ceil((1 - bucket.tokens) / this.perMs / 1000);
  }
}
