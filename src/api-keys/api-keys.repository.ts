import { Injectable } from '@nestjs/common';
import type { ApiKey as ApiKeyRow } from '../generated/control/client.js';
import { DatabaseService } from '../infra/database/database.service.js';
import type { ApiKey } from './api-key.js';

function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    tenantId: row.tenantId,
    kind: row.kind === 'publishable' ? 'publishable' : 'secret',
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    origins: row.origins,
    ipRanges: row.ipRanges,
    rateLimitPerMinute: row.rateLimitPerMinute,
    expiresAt: row.expiresAt,
    revokedAt: row.revokedAt,
    createdAt: row.createdAt,
    createdBy: row.createdBy,
  };
}

export type NewApiKey = Omit<ApiKey, 'revokedAt' | 'createdAt'> & { keyHash: string };

/** The live publishable keys' origins, each with the latest expiry among its keys (null: one never expires). */
export interface KeyOrigin {
  origin: string;
  expiresAt: Date | null;
}

@Injectable()
export class ApiKeysRepository {
  constructor(private readonly database: DatabaseService) {}

  async create(key: NewApiKey): Promise<ApiKey> {
    return toApiKey(await this.database.control.apiKey.create({ data: key }));
  }

  /** One tenant's keys; every tenant's when undefined (the CLI). */
  async list(tenantId: string | undefined): Promise<ApiKey[]> {
    const rows = await this.database.control.apiKey.findMany({
      where: tenantId === undefined ? {} : { tenantId },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    return rows.map(toApiKey);
  }

  /**
   * The key a presented secret hashes to. The one lookup not scoped by a
   * tenant: the key is what names its tenant.
   */
  async findByHash(keyHash: string): Promise<ApiKey | undefined> {
    const row = await this.database.control.apiKey.findUnique({ where: { keyHash } });
    return row ? toApiKey(row) : undefined;
  }

  /** Marks a key revoked (once); the key, or undefined when `tenantId` (if given) has no such key. */
  async revoke(id: string, tenantId: string | undefined): Promise<ApiKey | undefined> {
    const where = tenantId === undefined ? { id } : { id, tenantId };
    await this.database.control.apiKey.updateMany({ where: { ...where, revokedAt: null }, data: { revokedAt: new Date() } });
    const row = await this.database.control.apiKey.findFirst({ where });
    return row ? toApiKey(row) : undefined;
  }

  async deleteForTenant(tenantId: string): Promise<number> {
    return (await this.database.control.apiKey.deleteMany({ where: { tenantId } })).count;
  }

  async liveOrigins(): Promise<KeyOrigin[]> {
    const rows = await this.database.control.$queryRaw<{ origin: string; expires_at: Date | null; never: boolean }[]>`
      SELECT origin, max("expires_at") AS "expires_at", bool_or("expires_at" IS NULL) AS "never"
      FROM "tenantry"."api_keys", unnest("origins") AS origin
      WHERE "kind" = 'publishable' AND "revoked_at" IS NULL AND ("expires_at" IS NULL OR "expires_at" > now())
      GROUP BY origin`;
    return rows.map((row) => ({ origin: row.origin, expiresAt: row.never ? null : row.expires_at }));
  }
}
