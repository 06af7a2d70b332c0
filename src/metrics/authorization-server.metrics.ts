import type { KoaContextWithOIDC, Provider } from 'oidc-provider';
import { Counter, type Registry } from 'prom-client';
import { SIGN_IN_OUTCOMES, type SignInOutcome } from '../oidc/interactions/sign-in-outcomes.js';

// The grants Tenantry enables; a request naming any other is counted as `other`, so callers cannot mint series.
const GRANT_TYPES = new Set(['authorization_code', 'client_credentials', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code']);
const OTHER = 'other';
// oidc-provider's error codes are snake_case words from a fixed set of error classes.
const ERROR_CODE = /^[a-z_]{1,64}$/;

function grantTypeOf(ctx: KoaContextWithOIDC): string {
  const grantType: unknown = ctx.oidc?.params?.grant_type;
  return typeof grantType === 'string' && GRANT_TYPES.has(grantType) ? grantType : OTHER;
}

function errorCodeOf(error: { error?: unknown }): string {
  return typeof error.error === 'string' && ERROR_CODE.test(error.error) ? error.error : OTHER;
}

/**
 * Token requests and sign-ins, observed from above: the provider's own
 * events (`grant.success`, `grant.error`, and `server_error` on the token
 * route) and the sign-in outcomes src/oidc announces. Nothing in src/oidc
 * knows it is counted.
 */
export class AuthorizationServerMetrics {
  private readonly tokenRequests: Counter<'grant_type' | 'outcome'>;
  private readonly signIns: Counter<'outcome'>;

  constructor(registry: Registry) {
    this.tokenRequests = new Counter({
      name: 'tenantry_token_requests_total',
      help: 'Token endpoint requests by grant type and outcome: success (tokens issued) or the OAuth error code returned.',
      labelNames: ['grant_type', 'outcome'],
      registers: [registry],
    });
    this.signIns = new Counter({
      name: 'tenantry_sign_ins_total',
      help: 'Password sign-ins on the sign-in page by outcome: success, failure (wrong credentials), locked (refused unchecked: account or address locked).',
      labelNames: ['outcome'],
      registers: [registry],
    });
    // Series that exist from the start, so rate() and alerts see a 0 before the first event.
    for (const grantType of GRANT_TYPES) this.tokenRequests.labels(grantType, 'success').inc(0);
    for (const outcome of SIGN_IN_OUTCOMES) this.signIns.labels(outcome).inc(0);
  }

  observe(provider: Provider): void {
    provider.on('grant.success', (ctx) => this.tokenRequests.inc({ grant_type: grantTypeOf(ctx), outcome: 'success' }));
    provider.on('grant.error', (ctx, error) => this.tokenRequests.inc({ grant_type: grantTypeOf(ctx), outcome: errorCodeOf(error) }));
    // A 500 is announced as server_error instead of grant.error.
    provider.on('server_error', (ctx) => {
      if (ctx.oidc?.route === 'token') this.tokenRequests.inc({ grant_type: grantTypeOf(ctx), outcome: 'server_error' });
    });
  }

  readonly recordSignIn = (outcome: SignInOutcome): void => {
    this.signIns.inc({ outcome });
  };
}
