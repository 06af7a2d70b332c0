import { Injectable, Logger } from '@nestjs/common';
import type { ApiKeyKind } from '../auth/api-key.port.js';
import { OperationsConfig } from '../config/app-config.js';
import { ChangeBus } from '../infra/database/change-bus.service.js';
import { hashClientSecret } from '../oidc/client-secret.js';
import type { Tenant } from '../tenants/tenant.js';
import { TenantsService } from '../tenants/tenants.service.js';
import { generateApiKey, generateApiKeyId } from './api-key-format.js';
import { formatIpRange, isTenantApiScope, originProblem, parseIpRange } from './api-key-restrictions.js';
import { API_KEY_CHANGED, API_KEY_KINDS, type ApiKey } from './api-key.js';
import { ApiKeysError } from './api-keys.errors.js';
import { ApiKeysRepository } from './api-keys.repository.js';

export interface CreateApiKeyCommand {
  kind: string;
  name?: string;
  origins?: string[];
  scopes?: string[];
  ipRanges?: string[];
  /** An ISO 8601 instant in the future. */
  expiresAt?: string;
  rateLimitPerMinute?: number;
}

export interface CreatedApiKey {
  apiKey: ApiKey;
  /** Shown once; only its hash is stored. */
  key: string;
}

const MAX_LIST = 20;
export const MAX_RATE_LIMIT_PER_MINUTE = 10_000_000;

function invalid(detail: string): ApiKeysError {
  return new ApiKeysError('API_KEY_REQUEST_INVALID', detail);
}

/** The restrictions a key is created with, checked against its kind. */
interface Restrictions {
  scopes: string[];
  origins: string[];
  ipRanges: string[];
  rateLimitPerMinute: number | null;
}

/** API keys of tenants: created (shown once), listed without their secret, revoked at once on every instance. */
@Injectable()
export class ApiKeysService {
  private readonly logger = new Logger(ApiKeysService.name);

  constructor(
    private readonly repository: ApiKeysRepository,
    private readonly tenants: TenantsService,
    private readonly changes: ChangeBus,
    private readonly operations: OperationsConfig,
  ) {}

  async create(tenant: Tenant, command: CreateApiKeyCommand, createdBy: string): Promise<CreatedApiKey> {
    if (!(API_KEY_KINDS as readonly string[]).includes(command.kind)) throw invalid('kind must be publishable or secret.');
    const kind = command.kind as ApiKeyKind;
    const restrictions = kind === 'publishable' ? this.publishableRestrictions(command) : this.secretRestrictions(command);
    const name = command.name?.trim();
    if (name !== undefined && (name.length === 0 || name.length > 200)) throw invalid('name must be 1 to 200 characters.');
    const expiresAt = this.expiry(command.expiresAt);
    const { key, prefix } = generateApiKey(kind);
    const apiKey = await this.repository.create({
      id: generateApiKeyId(),
      tenantId: tenant.id,
      kind,
      name: name ?? null,
      prefix,
      keyHash: hashClientSecret(key),
      ...restrictions,
      expiresAt,
      createdBy,
    });
    // Drops cached refusals of this very key and the origins' set, on every instance.
    await this.changes.publish({ topic: API_KEY_CHANGED, key: apiKey.id });
    this.logger.log(`created ${kind} API key ${apiKey.id} for tenant ${tenant.slug}`);
    return { apiKey, key };
  }

  async list(tenant: Tenant | undefined): Promise<ApiKey[]> {
    return this.repository.list(tenant?.id);
  }

  /** Every tenant's keys, or the one named (the CLI). */
  async listBySlug(tenantSlug: string | undefined): Promise<ApiKey[]> {
    return this.list(tenantSlug === undefined ? undefined : await this.tenants.get(tenantSlug));
  }

  /** Revokes a key of `tenant` (any tenant's when undefined: the CLI); repeating it changes nothing. */
  async revoke(id: string, tenant: Tenant | undefined): Promise<ApiKey> {
    const apiKey = await this.repository.revoke(id, tenant?.id);
    if (!apiKey) throw new ApiKeysError('API_KEY_NOT_FOUND', `No API key has id "${id}"${tenant ? ` in tenant ${tenant.slug}` : ''}.`);
    await this.changes.publish({ topic: API_KEY_CHANGED, key: apiKey.id });
    this.logger.log(`revoked API key ${apiKey.id}`);
    return apiKey;
  }

  private publishableRestrictions(command: CreateApiKeyCommand): Restrictions {
    if (command.scopes?.length) throw invalid('A publishable key evaluates flags only: it takes no scopes.');
    if (command.ipRanges?.length) throw invalid('A publishable key is restricted by origin, not by address: it takes no ipRanges.');
    const origins = [...new Set(command.origins ?? [])];
    if (origins.length === 0) throw invalid('A publishable key needs at least one origin (https://app.example.com).');
    if (origins.length > MAX_LIST) throw invalid(`A key takes at most ${MAX_LIST} origins.`);
    for (const origin of origins) {
      const problem = originProblem(origin);
      if (problem) throw invalid(`origin "${origin}" ${problem}.`);
    }
    const rate = command.rateLimitPerMinute ?? this.operations.apiKeyRateLimitPerMinute;
    if (!Number.isInteger(rate) || rate < 1 || rate > MAX_RATE_LIMIT_PER_MINUTE)
      throw invalid(`rateLimitPerMinute must be an integer from 1 to ${MAX_RATE_LIMIT_PER_MINUTE}.`);
    return { scopes: [], origins, ipRanges: [], rateLimitPerMinute: rate };
  }

  private secretRestrictions(command: CreateApiKeyCommand): Restrictions {
    if (command.origins?.length) throw invalid('A secret key is for servers: it takes no origins (use a publishable key in browsers).');
    if (command.rateLimitPerMinute !== undefined) throw invalid('rateLimitPerMinute applies to publishable keys only.');
    const scopes = [...new Set((command.scopes ?? []).flatMap((scope) => scope.split(' ')).filter(Boolean))];
    if (scopes.length === 0) throw invalid('A secret key needs at least one scope (features:read, features:write).');
    const refused = scopes.filter((scope) => !isTenantApiScope(scope));
    if (refused.length > 0) throw invalid(`A secret key acts inside its tenant: it cannot hold ${refused.join(', ')}.`);
    const ranges = [...new Set(command.ipRanges ?? [])];
    if (ranges.length > MAX_LIST) throw invalid(`A key takes at most ${MAX_LIST} ipRanges.`);
    const ipRanges = ranges.map((text) => {
      const range = parseIpRange(text);
      if (!range) throw invalid(`ipRanges: "${text}" is not an address range in CIDR notation (10.0.0.0/8, 2001:db8::/32).`);
      return formatIpRange(range);
    });
    return { scopes, origins: [], ipRanges, rateLimitPerMinute: null };
  }

  private expiry(text: string | undefined): Date | null {
    if (text === undefined) return null;
    const expiresAt = /^\d{4}-\d{2}-\d{2}T/.test(text) ? new Date(text) : new Date(Number.NaN);
    if (Number.isNaN(expiresAt.getTime())) throw invalid('expiresAt must be an ISO 8601 date-time (2027-01-31T00:00:00Z).');
    if (expiresAt.getTime() <= Date.now()) throw invalid('expiresAt must be in the future.');
    return expiresAt;
  }
}
