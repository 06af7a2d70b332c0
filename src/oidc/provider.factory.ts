import { Provider, errors, type Configuration, type KoaContextWithOIDC, type ResourceServer } from 'oidc-provider';
import { API_SCOPES } from '../auth/principal.js';
import type { ServerConfig, TokenConfig } from '../config/app-config.js';
import { ExpiringCache } from '../infra/cache/expiring-cache.js';
import { verifyClientSecret } from './client-secret.js';
import { OIDC_SCOPES } from './client.js';
import { SIGNING_ALGORITHM, type SigningJwk } from './keys.service.js';
import type { ClientLookup } from './prisma-adapter.js';
import { createPrismaAdapter } from './prisma-adapter.js';
import type { ControlPrismaClient } from '../infra/database/database.service.js';

/** Custom client metadata carrying the tenant a client acts for. */
export const TENANT_ID_METADATA = 'urn:tenantry:tenant_id';
export const TENANT_SLUG_METADATA = 'urn:tenantry:tenant';

const SUPPORTED_SCOPES = new Set<string>([...OIDC_SCOPES, ...API_SCOPES]);

export interface ProviderOptions {
  /** Drops cached Client instances: one client's id, or every client when undefined. */
  onClientsChanged: (invalidate: (clientId?: string) => void) => void;
  server: ServerConfig;
  tokens: TokenConfig;
  jwks: { keys: SigningJwk[] };
  cookieKeys: string[];
  prisma: ControlPrismaClient;
  findClient: ClientLookup;
}

function clientTenant(ctx: KoaContextWithOIDC): { tenant_id: string; tenant: string } | undefined {
  const client = ctx.oidc.client as unknown as Record<string, unknown> | undefined;
  const tenantId = client?.[TENANT_ID_METADATA];
  const tenantSlug = client?.[TENANT_SLUG_METADATA];
  return typeof tenantId === 'string' && typeof tenantSlug === 'string' ? { tenant_id: tenantId, tenant: tenantSlug } : undefined;
}

export function buildProviderConfiguration(options: ProviderOptions): Configuration {
  const { server, tokens } = options;
  const apiScopes = new Set<string>(API_SCOPES);
  // One description per distinct registered scope set, built once: this runs on every token request.
  const resourceServers = new Map<string, ResourceServer>();
  const resourceServerFor = (clientScope: string): ResourceServer => {
    let info = resourceServers.get(clientScope);
    if (!info) {
      info = {
        scope: clientScope.split(' ').filter((scope) => apiScopes.has(scope)).join(' '),
        audience: server.apiAudience,
        accessTokenTTL: tokens.accessTokenTtlSeconds,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: SIGNING_ALGORITHM } },
      };
      resourceServers.set(clientScope, info);
    }
    return info;
  };
  return {
    adapter: createPrismaAdapter(options.prisma, options.findClient),
    jwks: options.jwks,
    cookies: { keys: options.cookieKeys },
    // OAuth 2.1 / RFC 9700: no implicit or hybrid flows.
    responseTypes: ['code'],
    scopes: [...SUPPORTED_SCOPES],
    claims: {
      openid: ['sub'],
      profile: ['name', 'updated_at'],
      email: ['email', 'email_verified'],
    },
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: SIGNING_ALGORITHM,
    },
    extraClientMetadata: { properties: [TENANT_ID_METADATA, TENANT_SLUG_METADATA] },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // Clients need not send `resource`: the API is the one resource server.
        defaultResource: () => server.apiAudience,
        useGrantedResource: () => true,
        getResourceServerInfo: (ctx, resourceIndicator, client) => {
          if (resourceIndicator !== server.apiAudience) throw new errors.InvalidTarget();
          const unknown = String(ctx.oidc.params?.scope ?? '')
            .split(' ')
            .filter((scope) => scope !== '' && !SUPPORTED_SCOPES.has(scope));
          if (unknown.length > 0) throw new errors.InvalidScope('requested scope is not supported', unknown.join(' '));
          return resourceServerFor(String(client.scope ?? ''));
        },
      },
    },
    extraTokenClaims: (ctx) => clientTenant(ctx),
    ttl: {
      AccessToken: tokens.accessTokenTtlSeconds,
      ClientCredentials: tokens.accessTokenTtlSeconds,
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  };
}

const CLIENT_INSTANCE_CAPACITY = 10_000;
const CLIENT_INSTANCE_TTL_MS = 10_000;

type ClientClass = { find(clientId: string): Promise<unknown> };

/**
 * oidc-provider rebuilds nothing for a client it has seen, but still asks the
 * adapter and hashes the metadata on every request. Registered clients change
 * rarely and every change is announced, so the instances themselves are kept.
 */
function cacheClientInstances(provider: Provider, options: ProviderOptions): void {
  const clientClass = provider.Client as unknown as ClientClass;
  const find = clientClass.find.bind(clientClass);
  const instances = new ExpiringCache<string, unknown>(CLIENT_INSTANCE_CAPACITY, CLIENT_INSTANCE_TTL_MS);
  options.onClientsChanged((clientId) => (clientId === undefined ? instances.clear() : instances.delete(clientId)));
  clientClass.find = async (clientId: string) => {
    const cached = instances.get(clientId);
    if (cached) return cached;
    const client = await find(clientId);
    if (client) instances.set(clientId, client);
    return client;
  };
}

/**
 * The authorization server. Client secrets are stored hashed, so the
 * provider's plain comparison is replaced by a hash check.
 */
export function createProvider(options: ProviderOptions): Provider {
  const provider = new Provider(options.server.issuer, buildProviderConfiguration(options));
  provider.proxy = options.server.trustProxy;
  cacheClientInstances(provider, options);
  const clientPrototype = provider.Client.prototype as unknown as {
    clientSecret?: string;
    compareClientSecret(actual: string): Promise<boolean>;
  };
  clientPrototype.compareClientSecret = async function compareClientSecret(actual: string) {
    return typeof this.clientSecret === 'string' && verifyClientSecret(actual, this.clientSecret);
  };
  return provider;
}
