import { Provider, errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { API_SCOPES } from '../auth/principal.js';
import type { ServerConfig, TokenConfig } from '../config/app-config.js';
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
          const requested = String(ctx.oidc.params?.scope ?? '').split(' ').filter(Boolean);
          const unknown = requested.filter((scope) => !SUPPORTED_SCOPES.has(scope));
          if (unknown.length > 0) throw new errors.InvalidScope('requested scope is not supported', unknown.join(' '));
          const registered = String(client.scope ?? '').split(' ').filter((scope) => apiScopes.has(scope));
          return {
            scope: registered.join(' '),
            audience: server.apiAudience,
            accessTokenTTL: tokens.accessTokenTtlSeconds,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: SIGNING_ALGORITHM } },
          };
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

/**
 * The authorization server. Client secrets are stored hashed, so the
 * provider's plain comparison is replaced by a hash check.
 */
export function createProvider(options: ProviderOptions): Provider {
  const provider = new Provider(options.server.issuer, buildProviderConfiguration(options));
  provider.proxy = options.server.trustProxy;
  const clientPrototype = provider.Client.prototype as unknown as {
    clientSecret?: string;
    compareClientSecret(actual: string): Promise<boolean>;
  };
  clientPrototype.compareClientSecret = async function compareClientSecret(actual: string) {
    return typeof this.clientSecret === 'string' && verifyClientSecret(actual, this.clientSecret);
  };
  return provider;
}
