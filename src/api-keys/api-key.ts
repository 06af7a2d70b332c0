import type { ApiKeyKind } from '../auth/api-key.port.js';

export const API_KEY_KINDS = ['publishable', 'secret'] as const satisfies readonly ApiKeyKind[];

/** An API key as stored: never the key itself, only its hash (kept by the repository) and its display prefix. */
export interface ApiKey {
  id: string;
  tenantId: string;
  kind: ApiKeyKind;
  name: string | null;
  prefix: string;
  /** Secret keys: the scopes they act with. */
  scopes: string[];
  /** Publishable keys: the browser origins they may be used from. */
  origins: string[];
  /** Secret keys: client address ranges (CIDR) they may be used from; empty means any. */
  ipRanges: string[];
  /** Publishable keys: requests per minute, for all their users together. */
  rateLimitPerMinute: number | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
  /** Who created it: `client:<id>` (the API), `cli:<user>` (the CLI). */
  createdBy: string;
}

/** The change topic of API keys (key: the key's id): caches of keys and of their origins follow it. */
export const API_KEY_CHANGED = 'api-key';

/** How a key is named wherever it acted (the audit trail's client, the request log). */
export function apiKeyActor(id: string): string {
  return `apikey:${id}`;
}
