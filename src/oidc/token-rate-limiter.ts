import type { IncomingMessage } from 'node:http';
import type { RateLimits, RateRule } from '../infra/rate-limit/rate-limits.js';

const BURST_SECONDS = 10;

function decodeComponent(value: string): string | undefined {
  try {
    return decodeURIComponent(value.replace(/\+/g, '%20'));
  } catch {
    return undefined;
  }
}

/**
 * The limit on /oidc/token: per client (the Basic-auth client id) or, for
 * requests without one, per address; TOKEN_RATE_LIMIT per minute with bursts
 * of 10 s' worth, held for the whole deployment (RateLimits).
 */
export class TokenRateLimiter {
  private readonly rule: RateRule;

  constructor(
    readonly perMinute: number,
    private readonly limits: RateLimits,
  ) {
    this.rule = { perMinute, burstSeconds: BURST_SECONDS };
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

  /** Takes one token; the seconds to wait when there is none. */
  take(caller: string): Promise<number | undefined> {
    return this.limits.take(`oidc-token:${caller}`, this.rule);
  }
}
