import { Injectable, Logger } from '@nestjs/common';
import type { AdapterPayload, Provider } from 'oidc-provider';
import { ServerConfig, TokenConfig } from '../config/app-config.js';
import { ChangeBus } from '../infra/database/change-bus.service.js';
import { DatabaseService } from '../infra/database/database.service.js';
import type { StoredClient } from './clients.repository.js';
import { ClientsService } from './clients.service.js';
import { KeysService } from './keys.service.js';
import { createProvider, TENANT_ID_METADATA, TENANT_SLUG_METADATA } from './provider.factory.js';

/** Client metadata in oidc-provider's terms; the secret field holds only the hash. */
export function toProviderMetadata(client: StoredClient): AdapterPayload {
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
    ...(client.tenantId && client.tenantSlug
      ? { [TENANT_ID_METADATA]: client.tenantId, [TENANT_SLUG_METADATA]: client.tenantSlug }
      : {}),
  };
}

/** Builds the oidc-provider instance once keys exist; main mounts its callback at /oidc. */
@Injectable()
export class OidcService {
  private readonly logger = new Logger(OidcService.name);
  private provider: Provider | undefined;

  constructor(
    private readonly server: ServerConfig,
    private readonly tokens: TokenConfig,
    private readonly database: DatabaseService,
    private readonly keys: KeysService,
    private readonly clients: ClientsService,
    private readonly changes: ChangeBus,
  ) {}

  async start(): Promise<Provider> {
    if (this.provider) return this.provider;
    await this.keys.ensureSigningKey();
    const provider = createProvider({
      onClientsChanged: (invalidate) => {
        this.changes.subscribe('client', (clientId) => invalidate(clientId));
        this.changes.subscribe('tenant', () => invalidate());
      },
      server: this.server,
      tokens: this.tokens,
      jwks: this.keys.providerJwks(),
      cookieKeys: await this.keys.cookieKeys(),
      prisma: this.database.control,
      findClient: async (clientId) => {
        const client = await this.clients.findActive(clientId);
        return client ? toProviderMetadata(client) : undefined;
      },
    });
    provider.on('server_error', (_ctx, error: Error) => this.logger.error(`authorization server error: ${error.message}`, error.stack));
    this.provider = provider;
    return provider;
  }
}
