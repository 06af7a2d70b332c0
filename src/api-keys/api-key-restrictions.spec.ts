import { addressAllowed, addressRanges, isTenantApiScope, originProblem, parseIpRange } from './api-key-restrictions.js';

describe('API key restrictions', () => {
  it('lets secret keys hold the tenant API scopes only', () => {
    expect(isTenantApiScope('features:read')).toBe(true);
    expect(isTenantApiScope('features:write')).toBe(true);
    expect(isTenantApiScope('tenants:read')).toBe(false);
    expect(isTenantApiScope('tenants:write')).toBe(false);
    expect(isTenantApiScope('openid')).toBe(false);
    expect(isTenantApiScope('nonsense')).toBe(false);
  });

  it('takes exact origins only', () => {
    expect(originProblem('https://app.acme.test')).toBeUndefined();
    expect(originProblem('http://localhost:5173')).toBeUndefined();
    expect(originProblem('https://app.acme.test/path')).toBeDefined();
    expect(originProblem('*')).toBeDefined();
    expect(originProblem('http://app.acme.test')).toBeDefined();
  });

  it('parses CIDR ranges and single addresses, and refuses anything else', () => {
    expect(parseIpRange('10.0.0.0/8')).toEqual({ address: '10.0.0.0', prefix: 8, family: 'ipv4' });
    expect(parseIpRange('2001:db8::/32')).toEqual({ address: '2001:db8::', prefix: 32, family: 'ipv6' });
    expect(parseIpRange('192.0.2.7')).toEqual({ address: '192.0.2.7', prefix: 32, family: 'ipv4' });
    expect(parseIpRange('10.0.0.0/33')).toBeUndefined();
    expect(parseIpRange('10.0.0/8')).toBeUndefined();
    expect(parseIpRange('10.0.0.0/8/1')).toBeUndefined();
    expect(parseIpRange('10.0.0.0/x')).toBeUndefined();
    expect(parseIpRange('example.com/8')).toBeUndefined();
  });

  it('allows addresses in the ranges, IPv4-mapped IPv6 included, and nothing else', () => {
    const ranges = addressRanges(['10.0.0.0/8', '2001:db8::/32'])!;
    expect(addressAllowed(ranges, '10.1.2.3')).toBe(true);
    expect(addressAllowed(ranges, '::ffff:10.1.2.3')).toBe(true);
    expect(addressAllowed(ranges, '2001:db8::1')).toBe(true);
    expect(addressAllowed(ranges, '11.0.0.1')).toBe(false);
    expect(addressAllowed(ranges, '2001:db9::1')).toBe(false);
    expect(addressAllowed(ranges, 'not an address')).toBe(false);
    expect(addressRanges([])).toBeNull();
  });
});
