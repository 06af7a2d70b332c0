import { createHash } from 'node:crypto';

/**
 * The advisory lock that orders a tenant's data writes (shared) against a
 * move of its data (exclusive). A 64-bit key from the tenant id, computed
 * here so the same key reaches PostgreSQL from Prisma and from pg.
 */
export function tenantDataLockKey(tenantId: string): string {
  return createHash('sha256').update(`tenantry:tenant-data:${tenantId}`).digest().readBigInt64BE(0).toString();
}
