import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../infra/database/database.service.js';

/** Accepted DPoP proofs, in the control plane: one atomic insert decides whether a proof is new on any instance. */
@Injectable()
export class DpopReplayRepository {
  constructor(private readonly database: DatabaseService) {}

  /** True when this (key, jti) was not seen before; it is then remembered until `expiresAt`. */
  async remember(jkt: string, jti: string, expiresAt: Date): Promise<boolean> {
    const inserted = await this.database.control.$executeRaw`
      INSERT INTO "tenantry"."dpop_proofs" ("jkt", "jti", "expires_at") VALUES (${jkt}, ${jti}, ${expiresAt})
      ON CONFLICT ("jkt", "jti") DO UPDATE SET "expires_at" = EXCLUDED."expires_at" WHERE "dpop_proofs"."expires_at" < now()`;
    return inserted === 1;
  }

  async deleteExpired(now = new Date()): Promise<number> {
    return this.database.control.$executeRaw`DELETE FROM "tenantry"."dpop_proofs" WHERE "expires_at" < ${now}`;
  }
}
