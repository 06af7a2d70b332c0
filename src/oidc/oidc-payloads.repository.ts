import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../infra/database/database.service.js';

/** Housekeeping over the provider's stored state (the adapter itself is in prisma-adapter.ts). */
@Injectable()
export class OidcPayloadsRepository {
  constructor(private readonly database: DatabaseService) {}

  async deleteExpired(now = new Date()): Promise<number> {
    const { count } = await this.database.control.oidcPayload.deleteMany({ where: { expiresAt: { lt: now } } });
    return count;
  }
}
