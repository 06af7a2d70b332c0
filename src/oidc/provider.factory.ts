import { Provider } from 'oidc-provider';
import { OIDC_SCOPES } from '../auth/scopes.js';
import { verifyClientSecret } from './client-secret.js';
import { serveUserinfoForApiTokens, type ApiTokenUserinfoDependencies } from './api-token-userinfo.js';
import { requireDeviceFormSession } from './device-form-session.middleware.js';
import { buildProviderConfiguration, renderProviderError, type ProviderOptions } from './provider-configuration.js';
import { refuseUnreadableParameters } from './provider-parameters.middleware.js';
import { resolveUserTokens, type UserTokenResolver } from './structured-tokens.js';
import { answerTemporarilyUnavailable } from './temporarily-unavailable.js';
import { limitTokenRequests } from './token-rate-limit.middleware.js';
import type { TokenRateLimiter } from './token-rate-limiter.js';

export interface ProviderSetup extends ProviderOptions {
  limiter: TokenRateLimiter;
  resolveUserToken: UserTokenResolver;
  userinfo: Omit<ApiTokenUserinfoDependencies, 'findClient' | 'grantedScopes'>;
}

/**
 * Client secrets are stored hashed, so the provider's plain comparison is
 * replaced by a hash check. oidc-provider has no hook for this (it compares
 * client_secret as stored): the method is overridden on the provider's own
 * Client class, and test/e2e/provider-contract pins that it still exists and
 * is what client authentication calls.
 */
function compareHashedSecrets(provider: Provider): void {
  const clientPrototype = provider.Client.prototype as unknown as {
    clientSecret?: string;
    compareClientSecret(actual: string): Promise<boolean> | boolean;
  };
  clientPrototype.compareClientSecret = function compareClientSecret(actual: string) {
    return typeof this.clientSecret === 'string' && verifyClientSecret(actual, this.clientSecret);
  };
}

type StorableToken = {
  jti: string;
  iat?: number;
  exp?: number;
  remainingTTL: number;
  constructor: { IN_PAYLOAD: string[]; adapter: { upsert(id: string, payload: object, expiresIn: number): Promise<void> } };
} & Record<string, unknown>;

/**
 * JWT access tokens are not stored by oidc-provider, so they could be neither
 * introspected nor revoked. Those issued to users (human-paced, bound to a
 * grant) are recorded by jti, as the opaque format would store them; revoking
 * the token or its grant removes the record and the API refuses the token.
 * Client-credentials tokens stay stateless: short-lived, verified locally.
 * The provider has no hook that runs before a JWT access token is returned
 * (`access_token.issued` is an event, not awaited), so AccessToken#save is
 * wrapped; test/e2e/provider-contract pins the behaviour it relies on.
 */
function recordUserAccessTokens(provider: Provider): void {
  const accessTokenPrototype = provider.AccessToken.prototype as unknown as { save(): Promise<string> };
  const save = accessTokenPrototype.save;
  accessTokenPrototype.save = async function saveAndRecord(this: StorableToken) {
    const value = await save.call(this);
    if (value.split('.').length === 3) {
      const payload: Record<string, unknown> = { iat: this.iat, exp: this.exp };
      for (const key of this.constructor.IN_PAYLOAD) if (this[key] !== undefined) payload[key] = this[key];
      await this.constructor.adapter.upsert(this.jti, payload, this.remainingTTL);
    }
    return value;
  };
}

export function createProvider(setup: ProviderSetup): Provider {
  const provider = new Provider(setup.server.issuer, buildProviderConfiguration(setup));
  provider.proxy = setup.server.trustProxy;
  compareHashedSecrets(provider);
  recordUserAccessTokens(provider);
  // Outermost, so it sees every answer (and what escapes the provider's error handling).
  provider.use(answerTemporarilyUnavailable());
  provider.use(limitTokenRequests(setup.limiter));
  provider.use(refuseUnreadableParameters(renderProviderError));
  provider.use(requireDeviceFormSession(provider, renderProviderError));
  provider.use(resolveUserTokens(setup.resolveUserToken));
  provider.use(
    serveUserinfoForApiTokens({
      ...setup.userinfo,
      findClient: (clientId) => provider.Client.find(clientId),
      // The token's record (removed when it or its grant is revoked), then its grant's OpenID scopes.
      grantedScopes: async (token) => {
        const record = await provider.AccessToken.find(token.jti);
        const grant = record?.grantId ? await provider.Grant.find(record.grantId) : undefined;
        return grant ? new Set(grant.getOIDCScopeFiltered(new Set(OIDC_SCOPES)).split(' ').filter(Boolean)) : undefined;
      },
    }),
  );
  return provider;
}
