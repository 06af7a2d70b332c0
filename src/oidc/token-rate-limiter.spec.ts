import { TokenRateLimiter } from './token-rate-limiter.js';

describe(TokenRateLimiter.name, () => {
  it('allows a burst of ten seconds’ worth, then asks the caller to wait', () => {
    let now = 0;
    const limiter = new TokenRateLimiter(60, () => now);
    for (let request = 0; request < 10; request += 1) expect(limiter.take('client:a')).toBeUndefined();
    expect(limiter.take('client:a')).toBe(1);
    now += 1000;
    expect(limiter.take('client:a')).toBeUndefined();
  });

  it('keeps callers apart', () => {
    const limiter = new TokenRateLimiter(6, () => 0);
    expect(limiter.take('client:a')).toBeUndefined();
    expect(limiter.take('client:a')).toBeGreaterThan(0);
    expect(limiter.take('client:b')).toBeUndefined();
  });

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
