import type { RateLimits, RateRule } from '../infra/rate-limit/rate-limits.js';
import { AuthError } from '../auth/auth.errors.js';
import { PublishableKeyRateLimiter } from './publishable-key-rate-limiter.js';

/** The shared bucket's arithmetic without its clock: a fixed number of tokens, all-or-none takes. */
class FixedBucket {
  readonly takes: number[] = [];
  constructor(private tokens: number) {}

  async take(_key: string, rule: RateRule, cost = 1): Promise<number | undefined> {
    this.takes.push(cost);
    if (this.tokens >= cost) {
      this.tokens -= cost;
      return undefined;
    }
    return Math.max(1, Math.ceil((cost - this.tokens) / (rule.perMinute / 60)));
  }
}

function limiterOver(bucket: FixedBucket): PublishableKeyRateLimiter {
  return new PublishableKeyRateLimiter(bucket as unknown as RateLimits);
}

async function outcome(admit: () => void | Promise<void>): Promise<'ok' | string> {
  try {
    await admit();
    return 'ok';
  } catch (error) {
    return error instanceof AuthError ? `${error.code} ${String(error.extensions.retryAfterSeconds)}` : String(error);
  }
}

describe(PublishableKeyRateLimiter.name, () => {
  it('leases 1/20 of a minute per round trip and spends it in memory', async () => {
    const bucket = new FixedBucket(1_000);
    const limiter = limiterOver(bucket);
    for (let request = 0; request < 25; request += 1) expect(await outcome(() => limiter.admit('key_a', 200))).toBe('ok');
    // 200 a minute: leases of 10, so 25 requests cost 3 round trips.
    expect(bucket.takes).toEqual([10, 10, 10]);
  });

  it('takes the last single requests when a whole lease is not left, then refuses locally until the wait is over', async () => {
    const bucket = new FixedBucket(11);
    const limiter = limiterOver(bucket);
    const outcomes = [];
    for (let request = 0; request < 13; request += 1) outcomes.push(await outcome(() => limiter.admit('key_a', 200)));
    expect(outcomes).toEqual([...Array(11).fill('ok'), 'API_KEY_RATE_LIMITED 1', 'API_KEY_RATE_LIMITED 1']);
    // A lease of 10, a refused lease, one single token, a refused lease and single; then no more round trips.
    expect(bucket.takes).toEqual([10, 10, 1, 10, 1]);
  });

  it('lets concurrent requests share one refill', async () => {
    const bucket = new FixedBucket(1_000);
    const limiter = limiterOver(bucket);
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => outcome(() => limiter.admit('key_a', 200))));
    expect(outcomes).toEqual(Array(8).fill('ok'));
    expect(bucket.takes).toEqual([10]);
  });

  it('keeps one budget per key', async () => {
    const bucket = new FixedBucket(1_000);
    const limiter = limiterOver(bucket);
    await outcome(() => limiter.admit('key_a', 200));
    await outcome(() => limiter.admit('key_b', 200));
    expect(bucket.takes).toEqual([10, 10]);
  });
});
