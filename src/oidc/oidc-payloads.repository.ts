import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../infra/database/database.service.js';

/** Housekeeping and lookups over the provider's stored state (the adapter itself is in prisma-adapter.ts). */
@Injectable()
export class OidcPayloadsRepository {
  constructor(private readonly database: DatabaseService) {}

  async deleteExpired(now = new Date()): Promise<number> {
    const { count } = await this.database.control.oidcPayload.deleteMany({ where: { expiresAt: { lt: now } } });
    return count;
  }

  /** Revokes every grant, token and code issued to these clients. */
  async deleteIssuedTo(clientIds: string[]): Promise<number> {
    if (clientIds.length === 0) return 0;
    return this.database.control
      .$executeRaw`DELETE FROM "tenantry"."oidc_payloads" WHERE "payload"->>'clientId' = ANY(${clientIds}::text[])`;
  }

  /** Ends every session signed in through one of these clients (a session lists the clients it authorized). */
  async deleteSessionsOf(clientIds: string[]): Promise<number> {
    if (clientIds.length === 0) return 0;
    return this.database.control
      .$executeRaw`DELETE FROM "tenantry"."oidc_payloads" WHERE "type" = 'Session' AND "payload"->'authorizations' ?| ${clientIds}::text[]`;
  }

  /** Whether a stored token of this kind is still there and unexpired (not revoked). */
  async isLive(type: string, id: string): Promise<boolean> {
    const row = await this.database.control.oidcPayload.findUnique({ where: { type_id: { type, id } }, select: { expiresAt: true } });
    return row !== null && (row.expiresAt === null || row.expiresAt.getTime() > Date.now());
  }
}
