import { DomainError, type ErrorDefinition } from '../infra/http/domain-error.js';
import type { HasResponseHeaders } from '../infra/http/problem-details.filter.js';
import { DPOP_ALGORITHMS } from './dpop-proof.js';

export type AuthErrorCode =
  | 'TOKEN_MISSING'
  | 'TOKEN_INVALID'
  | 'DPOP_PROOF_INVALID'
  | 'INSUFFICIENT_SCOPE'
  | 'PLATFORM_CLIENT_REQUIRED'
  | 'TENANT_TOKEN_REQUIRED'
  | 'ROUTE_NOT_GUARDED'
  | 'API_KEY_INVALID'
  | 'PUBLISHABLE_KEY_NOT_ALLOWED'
  | 'API_KEY_ORIGIN_REFUSED'
  | 'API_KEY_ADDRESS_REFUSED'
  | 'API_KEY_RATE_LIMITED';

const DEFINITIONS: Record<AuthErrorCode, ErrorDefinition> = {
  TOKEN_MISSING: { status: 401, title: 'Access token required' },
  TOKEN_INVALID: { status: 401, title: 'Access token invalid' },
  DPOP_PROOF_INVALID: { status: 401, title: 'DPoP proof invalid' },
  INSUFFICIENT_SCOPE: { status: 403, title: 'Insufficient scope' },
  PLATFORM_CLIENT_REQUIRED: { status: 403, title: 'Platform client required' },
  TENANT_TOKEN_REQUIRED: { status: 403, title: 'Tenant token required' },
  ROUTE_NOT_GUARDED: { status: 403, title: 'Route declares no scope' },
  API_KEY_INVALID: { status: 401, title: 'API key invalid' },
  PUBLISHABLE_KEY_NOT_ALLOWED: { status: 403, title: 'Publishable keys only evaluate flags' },
  API_KEY_ORIGIN_REFUSED: { status: 403, title: 'Origin not allowed for this key' },
  API_KEY_ADDRESS_REFUSED: { status: 403, title: 'Address not allowed for this key' },
  API_KEY_RATE_LIMITED: { status: 429, title: 'API key rate limit reached' },
};

const REALM = 'tenantry';

function quoted(value: string): string {
  return `"${value.replace(/["\\]/g, '')}"`;
}

/**
 * Authentication and authorization failures, with RFC 6750 §3 and RFC 9449
 * §7.1 challenges: both schemes are named on every 401, the DPoP one with the
 * proof algorithms accepted, and the error goes on the scheme it concerns.
 */
export class AuthError extends DomainError<AuthErrorCode> implements HasResponseHeaders {
  readonly definitions = DEFINITIONS;

  responseHeaders(): Record<string, string> {
    const bearer = [`realm=${quoted(REALM)}`];
    const dpop = [`realm=${quoted(REALM)}`, `algs=${quoted(DPOP_ALGORITHMS.join(' '))}`];
    // RFC 9110 §10.2.3 / RFC 6585 §4: when to try again.
    if (this.code === 'API_KEY_RATE_LIMITED') return { 'Retry-After': String(this.extensions.retryAfterSeconds ?? 1) };
    // RFC 6750 §3.1: a request without credentials gets no error code.
    if (this.code === 'TOKEN_INVALID' || this.code === 'API_KEY_INVALID') {
      bearer.push('error="invalid_token"', `error_description=${quoted(this.detail ?? 'invalid token')}`);
    } else if (this.code === 'DPOP_PROOF_INVALID') {
      dpop.push('error="invalid_dpop_proof"', `error_description=${quoted(this.detail ?? 'invalid DPoP proof')}`);
    } else if (this.code === 'INSUFFICIENT_SCOPE') {
      bearer.push('error="insufficient_scope"');
      const required = this.extensions.requiredScopes;
      if (Array.isArray(required)) bearer.push(`scope=${quoted(required.join(' '))}`);
    }
    if (this.definition.status !== 401) return { 'WWW-Authenticate': `Bearer ${bearer.join(', ')}` };
    return { 'WWW-Authenticate': `Bearer ${bearer.join(', ')}, DPoP ${dpop.join(', ')}` };
  }
}
