import { Provider } from 'oidc-provider';
import { ExpiringCache } from '../infra/cache/expiring-cache.js';
import { verifyClientSecret } from './client-secret.js';
import { buildProviderConfiguration, type ProviderOptions } from './provider-configuration.js';

export type { ProviderOptions };

const CLIENT_INSTANCE_CAPACITY = 10_000;
const CLIENT_INSTANCE_TTL_MS = 5_000;

// The provider awaits these; a cached answer is handed back as a plain value,
// sparing a promise per token request.
type ClientClass = { find(clientId: string): Promise<unknown> | unknown };

/**
 * oidc-provider rebuilds nothing for a client it has seen, but still asks the
 * adapter and hashes the metadata on every request. Registered clients change
 * rarely and every change is announced, so the instances themselves are kept.
 */
function cacheClientInstances(provider: Provider, options: ProviderOptions): void {
  const clientClass = provider.Client as unknown as ClientClass;
  const find = (clientClass.find as (clientId: string) => Promise<unknown>).bind(clientClass);
  const instances = new ExpiringCache<string, unknown>(CLIENT_INSTANCE_CAPACITY, CLIENT_INSTANCE_TTL_MS);
  options.onClientsChanged((clientId) => (clientId === undefined ? instances.clear() : instances.delete(clientId)));
  clientClass.find = (clientId: string) => instances.get(clientId) ?? instances.getOrLoad(clientId, () => find(clientId), { cacheIf: (client) => !!client });
}

/** Client secrets are stored hashed, so the provider's plain comparison is replaced by a hash check. */
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

export function createProvider(options: ProviderOptions): Provider {
  const provider = new Provider(options.server.issuer, buildProviderConfiguration(options));
  provider.proxy = options.server.trustProxy;
  cacheClientInstances(provider, options);
  compareHashedSecrets(provider);
  recordUserAccessTokens(provider);
  return provider;
}
