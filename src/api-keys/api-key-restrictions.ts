import { BlockList, isIP } from 'node:net';
import { isApiScope, PLATFORM_ONLY_SCOPES } from '../auth/scopes.js';
import { validateWebOrigin } from '../oidc/redirect-uri.js';

const PLATFORM_ONLY = new Set<string>(PLATFORM_ONLY_SCOPES);

/** Whether a secret key may hold the scope: an API scope a tenant-bound client may hold (never tenants:*, never OIDC's). */
export function isTenantApiScope(scope: string): boolean {
  return isApiScope(scope) && !PLATFORM_ONLY.has(scope);
}

/** The problem with a publishable key's origin, or undefined: an exact origin, https (http on loopback), never `*`. */
export function originProblem(origin: string): string | undefined {
  return validateWebOrigin(origin);
}

interface Range {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** `10.0.0.0/8`, `2001:db8::/32`, or one address (its /32 or /128); undefined when not a valid range. */
export function parseIpRange(text: string): Range | undefined {
  const [address = '', prefixText, extra] = text.trim().split('/');
  const version = isIP(address);
  if (version === 0 || extra !== undefined) return undefined;
  const bits = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) return undefined;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

export function formatIpRange(range: Range): string {
  return `${range.address}/${range.prefix}`;
}

/** The client addresses a secret key may be used from, as a node:net BlockList (it is a list of ranges, used here to allow). */
export function addressRanges(ranges: readonly string[]): BlockList | null {
  if (ranges.length === 0) return null;
  const list = new BlockList();
  for (const text of ranges) {
    const range = parseIpRange(text);
    if (range) list.addSubnet(range.address, range.prefix, range.family);
  }
  return list;
}

const MAPPED_IPV4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** Whether the request's address is in the key's ranges (an IPv4-mapped IPv6 address counts as its IPv4 address). */
export function addressAllowed(ranges: BlockList, ip: string): boolean {
  const mapped = MAPPED_IPV4.exec(ip)?.[1];
  if (mapped) return ranges.check(mapped, 'ipv4');
  const version = isIP(ip);
  if (version === 0) return false;
  return ranges.check(ip, version === 4 ? 'ipv4' : 'ipv6');
}
