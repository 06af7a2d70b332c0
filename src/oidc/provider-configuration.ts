import { errors, interactionPolicy, type Account, type Configuration, type KoaContextWithOIDC, type ResourceServer } from 'oidc-provider';
import { DPOP_ALGORITHMS } from '../auth/dpop-proof.js';
import { ALL_SCOPES, isApiScope, isScope } from '../auth/scopes.js';
import type { ServerConfig, TokenConfig } from '../config/app-config.js';
import type { ControlPrismaClient } from '../infra/database/database.service.js';
import { allowsWebOrigin, clientTenant, TENANT_ID_METADATA, TENANT_SLUG_METADATA, WEB_ORIGINS_METADATA } from './client-tenant.js';
import { SIGNING_ALGORITHM } from './keys.service.js';
import { EXTERNAL_SIGNING_FEATURE, type LocalSigningKey } from './local-signing-key.js';
import {
  deviceCodeConfirmPage,
  deviceCodeInputPage,
  deviceSuccessPage,
  logoutPage,
  logoutSuccessPage,
  providerErrorPage,
} from './pages/provider.pages.js';
import { createPrismaAdapter, type ClientLookup } from './prisma-adapter.js';
import { orTemporarilyUnavailable, unavailableWhileDatabaseIsDown } from './temporarily-unavailable.js';

/** The claims each scope releases (OpenID Connect Core §5.4). */
export const SCOPE_CLAIMS = {
  openid: ['sub'],
  profile: ['name', 'updated_at'],
  email: ['email', 'email_verified'],
} as const satisfies Record<string, readonly string[]>;

const CLAIM_SCOPES = new Set<string>(Object.keys(SCOPE_CLAIMS));

export interface AccountDirectory {
  findAccount(client: unknown, accountId: string): Promise<Account | undefined>;
  belongsToClientTenant(client: unknown, accountId: string): Promise<boolean>;
  /** Extra access token claims for the console's people (their email; a tenant admin's tenant). */
  consoleTokenClaims(client: unknown, accountId: string): Promise<Record<string, string> | undefined>;
}

export interface ProviderOptions {
  server: ServerConfig;
  tokens: TokenConfig;
  jwks: { keys: LocalSigningKey[] };
  cookieKeys: string[];
  prisma: ControlPrismaClient;
  findClient: ClientLookup;
  accounts: AccountDirectory;
  /** A stored token or grant was removed (revocation, reuse detection, logout). */
  onTokensRevoked: (change: { jti?: string; grantId?: string }) => void;
}

function requestedScopes(ctx: KoaContextWithOIDC): string[] {
  return String(ctx.oidc.params?.scope ?? '')
    .split(' ')
    .filter(Boolean);
}

/**
 * A signed-in session from one tenant never satisfies another tenant's
 * client: oidc-provider would reuse the session cookie, so the login prompt
 * gets a check that asks for a fresh sign-in in that case.
 */
function tenantAwarePolicy(accounts: AccountDirectory): interactionPolicy.Prompt[] {
  const policy = interactionPolicy.base();
  policy.get('login')!.checks.add(
    new interactionPolicy.Check('tenant_mismatch', 'the signed-in user belongs to another tenant', 'login_required', async (ctx) => {
      const accountId = ctx.oidc.session?.accountId;
      if (!accountId) return interactionPolicy.Check.NO_NEED_TO_PROMPT;
      return (await orTemporarilyUnavailable(() => accounts.belongsToClientTenant(ctx.oidc.client, accountId)))
        ? interactionPolicy.Check.NO_NEED_TO_PROMPT
        : interactionPolicy.Check.REQUEST_PROMPT;
    }),
    0,
  );
  return policy;
}

function resourceIndicators(server: ServerConfig, tokens: TokenConfig): NonNullable<Configuration['features']>['resourceIndicators'] {
  // One description per distinct registered scope set, built once: this runs on every token request.
  const descriptions = new Map<string, ResourceServer>();
  const describe = (clientScope: string): ResourceServer => {
    let info = descriptions.get(clientScope);
    if (!info) {
      info = {
        // The API scopes, and the OpenID scopes that release claims: the one
        // access token of a code exchange then works at the API and at
        // userinfo, whose claims follow the OpenID scopes it carries.
        scope: clientScope
          .split(' ')
          .filter((scope) => isApiScope(scope) || CLAIM_SCOPES.has(scope))
          .join(' '),
        audience: server.apiAudience,
        accessTokenTTL: tokens.accessTokenTtlSeconds,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: SIGNING_ALGORITHM } },
      };
      descriptions.set(clientScope, info);
    }
    return info;
  };
  return {
    enabled: true,
    // Clients need not send `resource`: the API is the one resource server. A
    // user sign-in asking only for OpenID scopes gets no API resource at all.
    defaultResource: (ctx, _client, oneOf) => {
      if (oneOf) return oneOf;
      const scopes = requestedScopes(ctx);
      return ctx.oidc.params?.grant_type === 'client_credentials' || scopes.some((scope) => isApiScope(scope))
        ? server.apiAudience
        : (undefined as unknown as string);
    },
    // Code, refresh and device exchanges return the API token without a
    // `resource` parameter; narrowing `scope` to OpenID scopes only asks for a
    // userinfo token instead (userinfo refuses tokens with an audience).
    useGrantedResource: (ctx) => {
      const scopes = requestedScopes(ctx);
      return scopes.length === 0 || scopes.some((scope) => isApiScope(scope));
    },
    getResourceServerInfo: (ctx, resourceIndicator, client) => {
      if (resourceIndicator !== server.apiAudience) throw new errors.InvalidTarget();
      const unknown = requestedScopes(ctx).filter((scope) => !isScope(scope));
      if (unknown.length > 0) throw new errors.InvalidScope('requested scope is not supported', unknown.join(' '));
      return describe(String(client.scope ?? ''));
    },
  };
}

/** Introspection and revocation: a client's own tokens, or any token for platform clients. */
function ownOrPlatform(client: { clientId: string }, token: { clientId?: string }): boolean {
  return token.clientId === client.clientId || clientTenant(client) === undefined;
}

/** Browser-facing OAuth errors, the provider's (`renderError`) and those of our provider middleware. */
export function renderProviderError(ctx: KoaContextWithOIDC, out: object): void {
  ctx.type = 'html';
  ctx.body = providerErrorPage(out as Record<string, unknown>);
}

export function buildProviderConfiguration(options: ProviderOptions): Configuration {
  const { server, tokens, accounts } = options;
  const ownOrigin = new URL(server.publicUrl).origin;
  return {
    // Browser calls (token endpoint, userinfo, introspection, revocation):
    // from our own origin (Swagger UI), or from an origin the client
    // registered (webOrigins), and no other; never credentials.
    clientBasedCORS: (_ctx, origin, client) => origin === ownOrigin || allowsWebOrigin(client, origin),
    adapter: unavailableWhileDatabaseIsDown(createPrismaAdapter(options.prisma, options.findClient, options.onTokensRevoked)),
    jwks: options.jwks,
    cookies: { keys: options.cookieKeys },
    findAccount: (ctx, sub) => orTemporarilyUnavailable(() => accounts.findAccount(ctx.oidc.client, sub)),
    // OAuth 2.1 / RFC 9700: no implicit or hybrid flows.
    responseTypes: ['code'],
    scopes: [...ALL_SCOPES],
    claims: SCOPE_CLAIMS,
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: SIGNING_ALGORITHM,
    },
    extraClientMetadata: { properties: [TENANT_ID_METADATA, TENANT_SLUG_METADATA, WEB_ORIGINS_METADATA] },
    extraTokenClaims: (ctx, token) => {
      const tenant = clientTenant(ctx.oidc.client);
      if (tenant) return { tenant_id: tenant.tenantId, tenant: tenant.tenantSlug };
      const accountId = (token as { accountId?: unknown }).accountId;
      return typeof accountId === 'string'
        ? orTemporarilyUnavailable(() => accounts.consoleTokenClaims(ctx.oidc.client, accountId))
        : undefined;
    },
    rotateRefreshToken: true,
    // The proofs the API accepts too (RFC 9449): one list for the issuer and the resource server.
    enabledJWA: { dPoPSigningAlgValues: [...DPOP_ALGORITHMS] },
    features: {
      dPoP: { enabled: true },
      devInteractions: { enabled: false },
      externalSigningSupport: EXTERNAL_SIGNING_FEATURE,
      clientCredentials: { enabled: true },
      introspection: { enabled: true, allowedPolicy: (_ctx, client, token) => ownOrPlatform(client, token) },
      revocation: {
        enabled: true,
        allowedPolicy: (_ctx, client, token) => {
          if (ownOrPlatform(client, token)) return true;
          throw new errors.UnauthorizedClient('client is not authorized to revoke the presented token');
        },
      },
      deviceFlow: {
        enabled: true,
        charset: 'base-20',
        mask: '****-****',
        userCodeInputSource: (ctx, form, _out, error) => {
          ctx.type = 'html';
          ctx.body = deviceCodeInputPage(form, error ? 'That code is not valid or has expired. Check it and try again.' : undefined);
        },
        userCodeConfirmSource: (ctx, form, client, _deviceInfo, userCode) => {
          ctx.type = 'html';
          ctx.body = deviceCodeConfirmPage(form, client.clientName ?? client.clientId, userCode);
        },
        successSource: (ctx) => {
          ctx.type = 'html';
          ctx.body = deviceSuccessPage(ctx.oidc.client?.clientName ?? 'The device');
        },
      },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          ctx.type = 'html';
          ctx.body = logoutPage(form, ctx.oidc.client?.clientName);
        },
        postLogoutSuccessSource: (ctx) => {
          ctx.type = 'html';
          ctx.body = logoutSuccessPage();
        },
      },
      resourceIndicators: resourceIndicators(server, tokens),
    },
    renderError: renderProviderError,
    ttl: {
      AccessToken: tokens.accessTokenTtlSeconds,
      ClientCredentials: tokens.accessTokenTtlSeconds,
      AuthorizationCode: tokens.authorizationCodeTtlSeconds,
      DeviceCode: tokens.deviceCodeTtlSeconds,
      IdToken: tokens.idTokenTtlSeconds,
      RefreshToken: tokens.refreshTokenTtlSeconds,
      Session: tokens.sessionTtlSeconds,
      Grant: tokens.grantTtlSeconds,
      Interaction: 3600,
    },
    interactions: { policy: tenantAwarePolicy(accounts), url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  };
}
