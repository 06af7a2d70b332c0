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

  /** Whether a stored token of this kind is still there and unexpired (not revoked). */
  async isLive(type: string, id: string): Promise<boolean> {
    const row = await this.database.control.oidcPayload.findUnique({ where: { type_id: { type, id } }, select: { expiresAt: true } });
    return row !== null && (row.expiresAt === null || row.expiresAt.getTime() > Date.now());
  }
}
