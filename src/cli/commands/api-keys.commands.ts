import { userInfo } from 'node:os';
import type { ApiKey } from '../../api-keys/api-key.js';
import { ApiKeysService } from '../../api-keys/api-keys.service.js';
import { ApiKeyResponse } from '../../api-keys/dto/api-key.response.js';
import { TenantsService } from '../../tenants/tenants.service.js';
import { optionalString, requirePositional, requireString, stringList, UsageError, type CliCommand } from '../cli-command.js';

/** Keys created here are attributed to the operating-system account that ran the command. */
function cliCreator(): string {
  try {
    const user = userInfo().username;
    return user ? `cli:${user}` : 'cli';
  } catch {
    return 'cli';
  }
}

function describe(key: ApiKey, tenantSlug: string | undefined): Record<string, unknown> {
  return { ...ApiKeyResponse.from(key), ...(tenantSlug ? { tenant: tenantSlug } : {}) };
}

function restriction(key: ApiKey): string {
  if (key.kind === 'publishable') return `origins ${key.origins.join(' ')}; ${key.rateLimitPerMinute}/min`;
  return `scopes ${key.scopes.join(' ')}${key.ipRanges.length ? `; from ${key.ipRanges.join(' ')}` : ''}`;
}

function state(key: ApiKey): string {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt && key.expiresAt.getTime() <= Date.now()) return 'expired';
  return key.expiresAt ? `live until ${key.expiresAt.toISOString()}` : 'live';
}

function integerOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,9}$/.test(value)) throw new UsageError(`--${name} must be a whole number`);
  return Number(value);
}

export const createApiKeyCommand: CliCommand = {
  name: 'api-keys:create',
  usage:
    'api-keys:create --tenant slug --kind publishable|secret [--origin O]... [--scope "S1 S2"]... [--ip CIDR]... [--expires ISO] [--name N] [--rate-limit N]',
  summary: 'create an API key for a tenant; the key is shown once',
  options: {
    tenant: { type: 'string' },
    kind: { type: 'string' },
    origin: { type: 'string', multiple: true },
    scope: { type: 'string', multiple: true },
    ip: { type: 'string', multiple: true },
    expires: { type: 'string' },
    name: { type: 'string' },
    'rate-limit': { type: 'string' },
  },
  async run(app, input) {
    const tenant = await app.get(TenantsService).get(requireString(input, 'tenant'));
    const { apiKey, key } = await app.get(ApiKeysService).create(
      tenant,
      {
        kind: requireString(input, 'kind'),
        name: optionalString(input, 'name'),
        origins: stringList(input, 'origin'),
        scopes: stringList(input, 'scope'),
        ipRanges: stringList(input, 'ip'),
        expiresAt: optionalString(input, 'expires'),
        rateLimitPerMinute: integerOption(optionalString(input, 'rate-limit'), 'rate-limit'),
      },
      cliCreator(),
    );
    return {
      json: { ...describe(apiKey, tenant.slug), key },
      text: [
        `id:  ${apiKey.id}`,
        `key: ${key}`,
        '',
        `${restriction(apiKey)}`,
        'Store the key now: it is not stored and cannot be shown again.',
      ].join('\n'),
    };
  },
};

export const listApiKeysCommand: CliCommand = {
  name: 'api-keys:list',
  usage: 'api-keys:list [--tenant slug]',
  summary: 'API keys (all, or one tenant’s), without the keys themselves',
  options: { tenant: { type: 'string' } },
  async run(app, input) {
    const keys = await app.get(ApiKeysService).listBySlug(optionalString(input, 'tenant'));
    const tenants = app.get(TenantsService);
    const slugs = new Map<string, string | undefined>();
    for (const key of keys) if (!slugs.has(key.tenantId)) slugs.set(key.tenantId, (await tenants.findById(key.tenantId))?.slug);
    return {
      json: { apiKeys: keys.map((key) => describe(key, slugs.get(key.tenantId))) },
      text: keys.length
        ? keys
            .map((key) =>
              [key.id, slugs.get(key.tenantId), key.kind, `${key.prefix}…`, state(key), restriction(key), key.name ?? ''].join('\t'),
            )
            .join('\n')
        : 'no API keys',
    };
  },
};

export const revokeApiKeyCommand: CliCommand = {
  name: 'api-keys:revoke',
  usage: 'api-keys:revoke <id>',
  summary: 'revoke an API key: it stops working at once, on every instance',
  async run(app, input) {
    const apiKey = await app.get(ApiKeysService).revoke(requirePositional(input, 0, 'id'), undefined);
    return { json: { revoked: apiKey.id, revokedAt: apiKey.revokedAt?.toISOString() ?? null }, text: `revoked API key ${apiKey.id}` };
  },
};
