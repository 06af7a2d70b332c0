import { DomainError, type ErrorDefinition } from '../infra/http/domain-error.js';
import type { HasResponseHeaders } from '../infra/http/problem-details.filter.js';

export type AuthErrorCode =
  'TOKEN_MISSING' | 'TOKEN_INVALID' | 'INSUFFICIENT_SCOPE' | 'PLATFORM_CLIENT_REQUIRED' | 'TENANT_TOKEN_REQUIRED' | 'ROUTE_NOT_GUARDED';

const DEFINITIONS: Record<AuthErrorCode, ErrorDefinition> = {
  TOKEN_MISSING: { status: 401, title: 'Access token required' },
  TOKEN_INVALID: { status: 401, title: 'Access token invalid' },
  INSUFFICIENT_SCOPE: { status: 403, title: 'Insufficient scope' },
  PLATFORM_CLIENT_REQUIRED: { status: 403, title: 'Platform client required' },
  TENANT_TOKEN_REQUIRED: { status: 403, title: 'Tenant token required' },
  ROUTE_NOT_GUARDED: { status: 403, title: 'Route declares no scope' },
};

const REALM = 'tenantry';

function quoted(value: string): string {
  return `"${value.replace(/["\\]/g, '')}"`;
}

/** Authentication and authorization failures, with RFC 6750 §3 WWW-Authenticate challenges. */
export class AuthError extends DomainError<AuthErrorCode> implements HasResponseHeaders {
  readonly definitions = DEFINITIONS;

  responseHeaders(): Record<string, string> {
    const parameters = [`realm=${quoted(REALM)}`];
    // RFC 6750 §3.1: a request without credentials gets no error code.
    if (this.code === 'TOKEN_INVALID') {
      parameters.push('error="invalid_token"', `error_description=${quoted(this.detail ?? 'invalid token')}`);
    } else if (this.code === 'INSUFFICIENT_SCOPE') {
      parameters.push('error="insufficient_scope"');
      const required = this.extensions.requiredScopes;
      if (Array.isArray(required)) parameters.push(`scope=${quoted(required.join(' '))}`);
    }
    return { 'WWW-Authenticate': `Bearer ${parameters.join(', ')}` };
  }
}
