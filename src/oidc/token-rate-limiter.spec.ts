import { TokenRateLimiter } from './token-rate-limiter.js';

// The buckets themselves live in PostgreSQL (RateLimits): test/e2e/rate-limits.
describe(TokenRateLimiter.name, () => {
  it('identifies the caller by its Basic client id, else its address', () => {
    const basic = { headers: { authorization: `Basic ${Buffer.from('my%20client:secret').toString('base64')}` }, socket: {} };
    expect(TokenRateLimiter.callerOf(basic as never)).toBe('client:my client');
    expect(TokenRateLimiter.callerOf({ headers: {}, socket: { remoteAddress: '10.0.0.1' } } as never)).toBe('address:10.0.0.1');
  });

  it('counts a client id that does not decode against the address instead of throwing', () => {
    const malformed = {
      headers: { authorization: `Basic ${Buffer.from('%zz:%zz').toString('base64')}` },
      socket: { remoteAddress: '10.0.0.2' },
    };
    expect(TokenRateLimiter.callerOf(malformed as never)).toBe('address:10.0.0.2');
  });
});
