import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { API_SCOPES } from '../auth/principal.js';
import { ExpiringCache } from '../infra/cache/expiring-cache.js';
import { ChangeBus } from '../infra/database/change-bus.service.js';
import { TenantsService } from '../tenants/tenants.service.js';
import { generateClientSecret, hashClientSecret } from './client-secret.js';
import { GRANT_TYPES, OIDC_SCOPES, type GrantType, type RegisteredClient } from './client.js';
import { ClientsRepository, type StoredClient } from './clients.repository.js';
import { OidcError } from './oidc.errors.js';
import { validateRedirectUri } from './redirect-uri.js';

export interface CreateClientCommand {
  name: string;
  grantTypes: string[];
  scopes: string[];
  tenantSlug?: string;
  public?: boolean;
  redirectUris?: string[];
  postLogoutRedirectUris?: string[];
}

export interface CreatedClient {
  client: RegisteredClient;
  /** Shown once; only its hash is stored. */
  clientSecret?: string;
}

const KNOWN_SCOPES = new Set<string>([...OIDC_SCOPES, ...API_SCOPES]);
const PLATFORM_ONLY_SCOPES = new Set(['tenants:read', 'tenants:write']);
const USER_GRANTS = new Set<GrantType>(['authorization_code', 'urn:ietf:params:oauth:grant-type:device_code']);
// Every token request looks its client up; changes invalidate at once
// (ChangeBus), the TTL bounds staleness where notifications cannot arrive.
const CLIENT_CACHE_CAPACITY = 10_000;
const CLIENT_CACHE_TTL_MS = 5_000;
const UNKNOWN_CLIENT_CAPACITY = 1_000;
const UNKNOWN_CLIENT_TTL_MS = 2_000;

function withoutSecretHash({ secretHash: _secretHash, tenantActive: _tenantActive, ...client }: StoredClient): RegisteredClient {
  return client;
}

@Injectable()
export class ClientsService {
  private readonly logger = new Logger(ClientsService.name);
  private readonly active = new ExpiringCache<string, StoredClient | null>(CLIENT_CACHE_CAPACITY, CLIENT_CACHE_TTL_MS);
  // Unknown ids apart, so junk ids sent to /oidc/token cannot push real clients out.
  private readonly unknown = new ExpiringCache<string, true>(UNKNOWN_CLIENT_CAPACITY, UNKNOWN_CLIENT_TTL_MS);

  constructor(
    private readonly repository: ClientsRepository,
    private readonly tenants: TenantsService,
    private readonly changes: ChangeBus,
  ) {
    changes.subscribe('client', (clientId) => {
      this.active.delete(clientId);
      this.unknown.delete(clientId);
    });
    // A tenant's status decides whether its clients may get tokens: a
    // suspension takes effect at once, and so does a resume.
    changes.subscribe('tenant', () => {
      this.active.clear();
      this.unknown.clear();
    });
    changes.onResync(() => {
      this.active.clear();
      this.unknown.clear();
    });
  }

  async create(command: CreateClientCommand): Promise<CreatedClient> {
    const grantTypes = this.validateGrants(command);
    const scopes = this.validateScopes(command);
    const redirectUris = (command.redirectUris ?? []).map((uri) => this.checkRedirectUri(uri));
    const postLogoutRedirectUris = (command.postLogoutRedirectUris ?? []).map((uri) => this.checkRedirectUri(uri));
    if (grantTypes.includes('authorization_code') && redirectUris.length === 0) {
      throw new OidcError('CLIENT_INVALID', 'authorization_code needs at least one redirect URI.');
    }
    const name = command.name.trim();
    if (name.length === 0 || name.length > 200) throw new OidcError('CLIENT_INVALID', 'name must be 1 to 200 characters.');
    const tenant = command.tenantSlug === undefined ? undefined : await this.tenants.get(command.tenantSlug);

    const clientSecret = command.public ? undefined : generateClientSecret();
    const stored = await this.repository.create({
      clientId: randomUUID(),
      name,
      tenantId: tenant?.id ?? null,
      secretHash: clientSecret ? hashClientSecret(clientSecret) : null,
      grantTypes,
      scopes,
      redirectUris,
      postLogoutRedirectUris,
    });
    await this.changes.publish({ topic: 'client', key: stored.clientId });
    this.logger.log(`registered ${command.public ? 'public' : 'confidential'} client ${stored.clientId} (${tenant ? `tenant ${tenant.slug}` : 'platform'})`);
    return { client: withoutSecretHash(stored), ...(clientSecret ? { clientSecret } : {}) };
  }

  async list(tenantSlug?: string): Promise<RegisteredClient[]> {
    const tenantId = tenantSlug === undefined ? undefined : (await this.tenants.get(tenantSlug)).id;
    return (await this.repository.list(tenantId)).map(withoutSecretHash);
  }

  async get(clientId: string): Promise<RegisteredClient> {
    const client = await this.repository.findById(clientId);
    if (!client) throw new OidcError('CLIENT_NOT_FOUND', `No client has id "${clientId}".`);
    return withoutSecretHash(client);
  }

  /** A new secret, shown once; the old one stops working at once. */
  async rotateSecret(clientId: string): Promise<{ client: RegisteredClient; clientSecret: string }> {
    const client = await this.get(clientId);
    if (!client.confidential) throw new OidcError('CLIENT_INVALID', 'A public client has no secret to rotate.');
    const clientSecret = generateClientSecret();
    if (!(await this.repository.updateSecretHash(clientId, hashClientSecret(clientSecret)))) {
      throw new OidcError('CLIENT_NOT_FOUND', `No client has id "${clientId}".`);
    }
    await this.changes.publish({ topic: 'client', key: clientId });
    this.logger.log(`rotated the secret of client ${clientId}`);
    return { client, clientSecret };
  }

  async delete(clientId: string): Promise<void> {
    if (!(await this.repository.delete(clientId))) throw new OidcError('CLIENT_NOT_FOUND', `No client has id "${clientId}".`);
    await this.changes.publish({ topic: 'client', key: clientId });
  }

  /** For the provider: the stored client, or undefined when unknown or its tenant is not active. */
  async findActive(clientId: string): Promise<StoredClient | undefined> {
    if (this.unknown.get(clientId)) return undefined;
    const active = await this.active.getOrLoad(
      clientId,
      async () => {
        const client = await this.repository.findById(clientId);
        return client?.tenantActive ? client : null;
      },
      { cacheIf: (client) => client !== null },
    );
    if (!active) await this.unknown.getOrLoad(clientId, async () => true as const);
    return active ?? undefined;
  }

  private validateGrants(command: CreateClientCommand): GrantType[] {
    const grants = [...new Set(command.grantTypes)];
    const unknown = grants.filter((grant) => !(GRANT_TYPES as readonly string[]).includes(grant));
    if (grants.length === 0 || unknown.length > 0) {
      throw new OidcError('CLIENT_INVALID', `grant types must be among ${GRANT_TYPES.join(', ')}${unknown.length ? `; unknown: ${unknown.join(', ')}` : ''}.`);
    }
    const typed = grants as GrantType[];
    if (command.public && typed.includes('client_credentials')) {
      throw new OidcError('CLIENT_INVALID', 'a public client cannot use client_credentials: it has no secret.');
    }
    if (command.tenantSlug === undefined && typed.some((grant) => USER_GRANTS.has(grant))) {
      throw new OidcError('CLIENT_INVALID', 'user sign-in grants need --tenant: users belong to a tenant.');
    }
    if (typed.includes('refresh_token') && !typed.some((grant) => USER_GRANTS.has(grant))) {
      throw new OidcError('CLIENT_INVALID', 'refresh_token needs authorization_code or the device code grant.');
    }
    return typed;
  }

  private validateScopes(command: CreateClientCommand): string[] {
    const scopes = [...new Set(command.scopes.flatMap((scope) => scope.split(' ')).filter(Boolean))];
    const unknown = scopes.filter((scope) => !KNOWN_SCOPES.has(scope));
    if (unknown.length > 0) throw new OidcError('CLIENT_INVALID', `unknown scope(s): ${unknown.join(', ')}.`);
    if (scopes.length === 0) throw new OidcError('CLIENT_INVALID', 'a client needs at least one scope.');
    if (command.tenantSlug !== undefined && scopes.some((scope) => PLATFORM_ONLY_SCOPES.has(scope))) {
      throw new OidcError('CLIENT_INVALID', 'tenants:read and tenants:write are for platform clients only.');
    }
    return scopes;
  }

  private checkRedirectUri(uri: string): string {
    const problem = validateRedirectUri(uri);
    if (problem) throw new OidcError('CLIENT_INVALID', `redirect URI ${JSON.stringify(uri)}: ${problem}.`);
    return uri;
  }
}
