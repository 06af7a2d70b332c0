import { DomainError, type ErrorDefinition } from '../infra/http/domain-error.js';
import type { HasResponseHeaders } from '../infra/http/problem-details.filter.js';

export type MetricsErrorCode = 'METRICS_TOKEN_MISSING' | 'METRICS_TOKEN_INVALID';

const DEFINITIONS: Record<MetricsErrorCode, ErrorDefinition> = {
  METRICS_TOKEN_MISSING: { status: 401, title: 'Metrics token required' },
  METRICS_TOKEN_INVALID: { status: 401, title: 'Metrics token invalid' },
};

/** A scrape without the configured token, with its RFC 6750 §3 challenge (a realm of its own: API tokens do not open it). */
export class MetricsError extends DomainError<MetricsErrorCode> implements HasResponseHeaders {
  readonly definitions = DEFINITIONS;

  responseHeaders(): Record<string, string> {
    const challenge =
      this.code === 'METRICS_TOKEN_INVALID' ? 'Bearer realm="tenantry-metrics", error="invalid_token"' : 'Bearer realm="tenantry-metrics"';
    return { 'WWW-Authenticate': challenge };
  }
}
