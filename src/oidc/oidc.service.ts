import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable, Logger } from '@nestjs/common';
import { compactVerify, decodeProtectedHeader, jwtVerify } from 'jose';
import type { AdapterPayload, Provider } from 'oidc-provider';
import { OperationsConfig, ServerConfig, TokenConfig } from '../config/app-config.js';
import { ChangeBus } from '../infra/database/change-bus.service.js';
import { DatabaseService } from '../infra/database/database.service.js';
import { RateLimits } from '../infra/rate-limit/rate-limits.js';
import { AccountsService } from './accounts.service.js';
import { TENANT_ID_METADATA, TENANT_SLUG_METADATA, WEB_ORIGINS_METADATA } from './client-tenant.js';
import type { StoredClient } from './clients.repository.js';
import { ClientsService } from './clients.service.js';
import { KeysService, SIGNING_ALGORITHM, SIGNING_KEYS_CHANGED } from './keys.service.js';
import { createProvider } from './provider.factory.js';
import { ACCESS_TOKEN_REVOKED, GRANT_REVOKED } from './token-liveness.service.js';
import type { ApiAccessToken } from './api-token-userinfo.js';
import { SCOPE_CLAIMS } from './provider-configuration.js';
import { DpopReplayRepository } from '../auth/dpop-replay.repository.js';
import { TokenRateLimiter } from './token-rate-limiter.js';

/** Where the authorization server is mounted (app.factory.ts); the issuer is `${PUBLIC_URL}/oidc`. */
export const OIDC_MOUNT_PATH = '/oidc';

/** Client metadata in oidc-provider's terms; the secret field holds only the hash. */
export function toProviderMetadata(client: StoredClient): AdapterPayload {
  // A tenant client without its tenant's claims would mint platform tokens.
  if (client.tenantId !== null && !client.tenantSlug) throw new Error(`client ${client.clientId} has a tenant id but no tenant`);
  const usesCode = client.grantTypes.includes('authorization_code');
  return {
    client_id: client.clientId,
    client_name: client.name,
    ...(client.secretHash ? { client_secret: client.secretHash } : {}),
    token_endpoint_auth_method: client.confidential ? 'client_secret_basic' : 'none',
    grant_types: client.grantTypes,
    response_types: usesCode ? ['code'] : [],
    redirect_uris: client.redirectUris,
    post_logout_redirect_uris: client.postLogoutRedirectUris,
    scope: client.scopes.join(' '),
    ...(client.tenantId && client.tenantSlug ? { [TENANT_ID_METADATA]: client.tenantId, [TENANT_SLUG_METADATA]: client.tenantSlug } : {}),
    [WEB_ORIGINS_METADATA]: client.webOrigins,
  };
}

/**
 * Owns the oidc-provider instance. It is built once keys exist and rebuilt
 * when the signing keys change (rotation here or on another instance);
 * requests always go to the current one. All provider state lives in the
 * database, so a rebuild loses nothing.
 */
@Injectable()
export class OidcService {
  private readonly logger = new Logger(OidcService.name);
  private current: Provider | undefined;
  // Koa's callback answers every request itself, errors included; its promise only says when.
  private currentCallback: ((request: IncomingMessage, response: ServerResponse) => Promise<void>) | undefined;
  private publishedKeys = '';
  private readonly limiter: TokenRateLimiter;
  private readonly observers: ((provider: Provider) => void)[] = [];

  constructor(
    private readonly server: ServerConfig,
    private readonly tokens: TokenConfig,
    private readonly database: DatabaseService,
    private readonly keys: KeysService,
    private readonly clients: ClientsService,
    private readonly accounts: AccountsService,
    private readonly changes: ChangeBus,
    operations: OperationsConfig,
    limits: RateLimits,
    private readonly proofs: DpopReplayRepository,
  ) {
    this.limiter = new TokenRateLimiter(operations.tokenRateLimitPerMinute, limits);
    changes.subscribe(SIGNING_KEYS_CHANGED, () => {
      this.refreshKeys().catch((error: Error) => this.logger.error(`could not load rotated signing keys: ${error.message}`));
    });
  }

  get provider(): Provider {
    if (!this.current) throw new Error('the authorization server is not started');
    return this.current;
  }

  /**
   * Calls `observe` with the current provider and with each one built after
   * it, so an observer (metrics) can follow the provider's events across key
   * rotations without this module knowing who observes.
   */
  observeProviders(observe: (provider: Provider) => void): void {
    this.observers.push(observe);
    if (this.current) observe(this.current);
  }

  /** What is mounted at /oidc: the current provider (it is rebuilt when the signing keys change). */
  readonly handle = (request: IncomingMessage, response: ServerResponse): void => {
    const callback = this.currentCallback;
    if (!callback) throw new Error('the authorization server is not started');
    void callback(request, response);
  };

  async start(): Promise<Provider> {
    if (this.current) return this.current;
    await this.keys.ensureSigningKey();
    await this.build();
    return this.provider;
  }

  /** Reloads keys from the database; rebuilds the provider when the published set changed. */
  async refreshKeys(): Promise<boolean> {
    await this.keys.reload();
    if (!this.current || this.keySignature() === this.publishedKeys) return false;
    await this.build();
    this.logger.log(`signing keys changed; now signing with ${this.keys.providerJwks().keys[0]?.kid}`);
    return true;
  }

  private keySignature(): string {
    return this.keys
      .providerJwks()
      .keys.map((key) => key.kid)
      .join(',');
  }

  private async build(): Promise<void> {
    const provider = createProvider({
      limiter: this.limiter,
      resolveUserToken: (token) => this.userTokenId(token),
      userinfo: {
        userinfoUrl: `${this.server.issuer}/me`,
        verify: (token) => this.apiAccessToken(token),
        claimsOf: async (client, sub) => {
          const account = await this.accounts.findAccount(client, sub);
          return account ? ((await account.claims('userinfo', '', {}, [])) as Record<string, unknown>) : undefined;
        },
        rememberProof: (jkt, jti, expiresAt) => this.proofs.remember(jkt, jti, expiresAt),
        scopeClaims: SCOPE_CLAIMS,
      },
      server: this.server,
      tokens: this.tokens,
      jwks: this.keys.providerJwks(),
      cookieKeys: await this.keys.cookieKeys(),
      prisma: this.database.control,
      accounts: this.accounts,
      findClient: async (clientId) => {
        const client = await this.clients.findForProvider(clientId);
        return client ? toProviderMetadata(client) : undefined;
      },
      onTokensRevoked: ({ jti, grantId }) => {
        const change = jti ? { topic: ACCESS_TOKEN_REVOKED, key: jti } : { topic: GRANT_REVOKED, key: grantId! };
        void this.changes.publish(change);
      },
    });
    provider.on('server_error', (_ctx, error: Error) => this.logger.error(`authorization server error: ${error.message}`, error.stack));
    for (const observe of this.observers) observe(provider);
    this.publishedKeys = this.keySignature();
    this.current = provider;
    this.currentCallback = provider.callback();
  }

  /** A user access token for the API that we signed, unexpired: its claims; undefined for anything else. */
  private async apiAccessToken(token: string): Promise<ApiAccessToken | undefined> {
    try {
      const header = decodeProtectedHeader(token);
      if (header.typ !== 'at+jwt' || typeof header.kid !== 'string') return undefined;
      const key = await this.keys.forKid(header.kid);
      if (!key) return undefined;
      const { payload } = await jwtVerify(token, key, {
        issuer: this.server.issuer,
        audience: this.server.apiAudience,
        algorithms: [SIGNING_ALGORITHM],
      });
      const { jti, sub, client_id: clientId, scope, cnf } = payload as Record<string, unknown> & { cnf?: { jkt?: unknown } };
      if (typeof jti !== 'string' || typeof sub !== 'string' || typeof clientId !== 'string' || sub === clientId) return undefined;
      const scopes = new Set(typeof scope === 'string' ? scope.split(' ').filter(Boolean) : []);
      return { jti, sub, clientId, scopes, jkt: typeof cnf?.jkt === 'string' ? cnf.jkt : null };
    } catch {
      return undefined;
    }
  }

  /** The jti of a user access token we signed (checked signature and issuer), or undefined. */
  private async userTokenId(token: string): Promise<string | undefined> {
    try {
      const { kid } = decodeProtectedHeader(token);
      const key = kid ? await this.keys.forKid(kid) : undefined;
      if (!key) return undefined;
      const { payload } = await compactVerify(token, key);
      const claims = JSON.parse(new TextDecoder().decode(payload)) as { jti?: unknown; iss?: unknown; sub?: unknown; client_id?: unknown };
      const userToken = typeof claims.sub === 'string' && claims.sub !== claims.client_id;
      return claims.iss === this.server.issuer && userToken && typeof claims.jti === 'string' ? claims.jti : undefined;
    } catch {
      return undefined;
    }
  }
}
