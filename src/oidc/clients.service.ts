import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { ClientRegistry } from '../auth/issuer.port.js';
import { isScope, PLATFORM_ONLY_SCOPES } from '../auth/scopes.js';
import { Caches } from '../infra/cache/caches.js';
import { ChangeBus } from '../infra/database/change-bus.service.js';
import { tenantUsability } from '../tenants/tenant.js';
import { TenantsService } from '../tenants/tenants.service.js';
import { generateClientSecret, hashClientSecret } from './client-secret.js';
import { GRANT_TYPES, type GrantType, type RegisteredClient } from './client.js';
import { ClientsRepository, type StoredClient } from './clients.repository.js';
import { OidcError } from './oidc.errors.js';
import { CONSOLE_CLIENT_ID } from './console-accounts.js';
import { validateRedirectUri, validateWebOrigin } from './redirect-uri.js';

export interface CreateClientCommand {
  name: string;
  grantTypes: string[];
  scopes: string[];
  tenantSlug?: string;
  public?: boolean;
  redirectUris?: string[];
  postLogoutRedirectUris?: string[];
  /** Browser origins allowed to call Tenantry for the client (CORS). */
  webOrigins?: string[];
}

export interface CreatedClient {
  client: RegisteredClient;
  /** Shown once; only its hash is stored. */
  clientSecret?: string;
}

const PLATFORM_ONLY = new Set<string>(PLATFORM_ONLY_SCOPES);
const USER_GRANTS = new Set<GrantType>(['authorization_code', 'urn:ietf:params:oauth:grant-type:device_code']);
/** The change topic of the client registry (key: the client id). */
export const CLIENT_CHANGED = 'client';
// Every token request and API call looks its client up; changes invalidate at
// once, the TTL bounds staleness where notifications cannot arrive. Unknown
// ids are kept briefly (junk ids sent to /oidc/token are never read again,
// so the cache's CLOCK eviction drops them first).
const CLIENT_CACHE_CAPACITY = 10_000;
const CLIENT_CACHE_TTL_MS = 5_000;
const UNKNOWN_CLIENT_TTL_MS = 2_000;

/** Who asks: a platform caller (CLI, platform token) or a token bound to one tenant. */
export interface ClientsCaller {
  tenantId: string | null;
}
const PLATFORM: ClientsCaller = { tenantId: null };

/** The console's own client is kept by Tenantry (console-client.ts); nobody changes or removes it. */
function refuseManaged(clientId: string): void {
  if (clientId === CONSOLE_CLIENT_ID) {
    throw new OidcError('CLIENT_MANAGED', `${clientId} is the console's own client: Tenantry keeps it; it cannot be changed or deleted.`);
  }
}

function withoutSecretHash({ secretHash: _secretHash, ...client }: StoredClient): RegisteredClient {
  return client;
}

@Injectable()
export class ClientsService implements ClientRegistry {
  private readonly logger = new Logger(ClientsService.name);
  private readonly registered;

  constructor(
    private readonly repository: ClientsRepository,
    private readonly tenants: TenantsService,
    private readonly changes: ChangeBus,
    caches: Caches,
  ) {
    this.registered = caches.create<string, StoredClient | null>({
      name: 'clients',
      capacity: CLIENT_CACHE_CAPACITY,
      ttlMs: CLIENT_CACHE_TTL_MS,
      invalidatedBy: { [CLIENT_CHANGED]: 'key' },
    });
  }

  async create(command: CreateClientCommand): Promise<CreatedClient> {
    const grantTypes = this.validateGrants(command);
    const scopes = this.validateScopes(command);
    const redirectUris = (command.redirectUris ?? []).map((uri) => this.checkRedirectUri(uri));
    const postLogoutRedirectUris = (command.postLogoutRedirectUris ?? []).map((uri) => this.checkRedirectUri(uri));
    const webOrigins = [...new Set((command.webOrigins ?? []).map((origin) => this.checkWebOrigin(origin)))];
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
      webOrigins,
    });
    await this.changes.publish({ topic: CLIENT_CHANGED, key: stored.clientId });
    this.logger.log(
      `registered ${command.public ? 'public' : 'confidential'} client ${stored.clientId} (${tenant ? `tenant ${tenant.slug}` : 'platform'})`,
    );
    return { client: withoutSecretHash(stored), ...(clientSecret ? { clientSecret } : {}) };
  }

  async list(tenantSlug?: string, caller: ClientsCaller = PLATFORM): Promise<RegisteredClient[]> {
    const tenantId = tenantSlug === undefined ? undefined : (await this.tenants.get(tenantSlug)).id;
    if (caller.tenantId !== null && tenantId !== undefined && tenantId !== caller.tenantId) {
      throw new OidcError('CLIENT_NOT_FOUND', `No tenant "${tenantSlug}" for this token.`);
    }
    return (await this.repository.list(caller.tenantId ?? tenantId)).map(withoutSecretHash);
  }

  /** A tenant-bound caller sees only its tenant's clients: another's is not found. */
  async get(clientId: string, caller: ClientsCaller = PLATFORM): Promise<RegisteredClient> {
    const client = await this.repository.findById(clientId);
    if (!client || (caller.tenantId !== null && client.tenantId !== caller.tenantId)) {
      throw new OidcError('CLIENT_NOT_FOUND', `No client has id "${clientId}".`);
    }
    return withoutSecretHash(client);
  }

  /** A new secret, shown once; the old one stops working at once. */
  async rotateSecret(clientId: string, caller: ClientsCaller = PLATFORM): Promise<{ client: RegisteredClient; clientSecret: string }> {
    const client = await this.get(clientId, caller);
    refuseManaged(clientId);
    if (!client.confidential) throw new OidcError('CLIENT_INVALID', 'A public client has no secret to rotate.');
    const clientSecret = generateClientSecret();
    if (!(await this.repository.updateSecretHash(clientId, hashClientSecret(clientSecret)))) {
      throw new OidcError('CLIENT_NOT_FOUND', `No client has id "${clientId}".`);
    }
    await this.changes.publish({ topic: CLIENT_CHANGED, key: clientId });
    this.logger.log(`rotated the secret of client ${clientId}`);
    return { client, clientSecret };
  }

  async delete(clientId: string, caller: ClientsCaller = PLATFORM): Promise<void> {
    if (caller.tenantId !== null) await this.get(clientId, caller);
    refuseManaged(clientId);
    if (!(await this.repository.delete(clientId))) throw new OidcError('CLIENT_NOT_FOUND', `No client has id "${clientId}".`);
    await this.changes.publish({ topic: CLIENT_CHANGED, key: clientId });
  }

  /** Removes every client of a tenant (the tenant is being deleted). */
  async deleteForTenant(tenantId: string): Promise<string[]> {
    const clientIds = await this.repository.deleteForTenant(tenantId);
    for (const clientId of clientIds) await this.changes.publish({ topic: CLIENT_CHANGED, key: clientId });
    return clientIds;
  }

  /** The registered client, cached; undefined when there is none. */
  async find(clientId: string): Promise<StoredClient | undefined> {
    const cached = this.registered.get(clientId);
    if (cached !== undefined) return cached ?? undefined;
    const client = await this.registered.getOrLoad(clientId, async () => (await this.repository.findById(clientId)) ?? null, {
      ttlMs: (found) => (found ? CLIENT_CACHE_TTL_MS : UNKNOWN_CLIENT_TTL_MS),
    });
    return client ?? undefined;
  }

  /** ClientRegistry (the API guard): whether a token's client is still registered. */
  isRegistered(clientId: string): Promise<boolean> | boolean {
    const cached = this.registered.get(clientId);
    return cached !== undefined ? cached !== null : this.find(clientId).then((client) => client !== undefined);
  }

  /** For the provider: the client, or undefined when unknown or its tenant is not usable (a suspended tenant's clients get no tokens). */
  async findForProvider(clientId: string): Promise<StoredClient | undefined> {
    const client = await this.find(clientId);
    if (!client || client.tenantId === null) return client;
    return tenantUsability(await this.tenants.findById(client.tenantId)) === 'usable' ? client : undefined;
  }

  private validateGrants(command: CreateClientCommand): GrantType[] {
    const grants = [...new Set(command.grantTypes)];
    const unknown = grants.filter((grant) => !(GRANT_TYPES as readonly string[]).includes(grant));
    if (grants.length === 0 || unknown.length > 0) {
      throw new OidcError(
        'CLIENT_INVALID',
        `grant types must be among ${GRANT_TYPES.join(', ')}${unknown.length ? `; unknown: ${unknown.join(', ')}` : ''}.`,
      );
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
    const unknown = scopes.filter((scope) => !isScope(scope));
    if (unknown.length > 0) throw new OidcError('CLIENT_INVALID', `unknown scope(s): ${unknown.join(', ')}.`);
    if (scopes.length === 0) throw new OidcError('CLIENT_INVALID', 'a client needs at least one scope.');
    if (command.tenantSlug !== undefined && scopes.some((scope) => PLATFORM_ONLY.has(scope))) {
      throw new OidcError('CLIENT_INVALID', `${[...PLATFORM_ONLY].join(', ')} are for platform clients only.`);
    }
    return scopes;
  }

  private checkWebOrigin(origin: string): string {
    const problem = validateWebOrigin(origin);
    if (problem) throw new OidcError('CLIENT_INVALID', `web origin ${JSON.stringify(origin)}: ${problem}.`);
    return origin;
  }

  private checkRedirectUri(uri: string): string {
    const problem = validateRedirectUri(uri);
    if (problem) throw new OidcError('CLIENT_INVALID', `redirect URI ${JSON.stringify(uri)}: ${problem}.`);
    return uri;
  }
}
