import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../../infra/database/database.service.js';

export interface ThrottleState {
  failures: number;
  lockedUntil: Date | null;
}

export interface ThrottleRule {
  windowSeconds: number;
  lockAfter: number;
  lockSeconds: number;
}

/** Failed sign-in counters in the control plane (schema-qualified raw SQL: one atomic upsert). */
@Injectable()
export class LoginThrottleRepository {
  constructor(private readonly database: DatabaseService) {}

  async find(key: string): Promise<ThrottleState | undefined> {
    const row = await this.database.control.loginThrottle.findUnique({ where: { key } });
    return row ? { failures: row.failures, lockedUntil: row.lockedUntil } : undefined;
  }

  /** Counts a failure in the current window (a new window once it passed) and locks at the threshold. */
  async recordFailure(key: string, rule: ThrottleRule): Promise<ThrottleState> {
    const rows = await this.database.control.$queryRaw<{ failures: number; locked_until: Date | null }[]>`
      INSERT INTO "tenantry"."login_throttles" AS t ("key", "failures", "window_started_at", "locked_until")
      VALUES (${key}, 1, now(), CASE WHEN 1 >= ${rule.lockAfter} THEN now() + make_interval(secs => ${rule.lockSeconds}) END)
      ON CONFLICT ("key") DO UPDATE SET
        "failures" = CASE WHEN t."window_started_at" < now() - make_interval(secs => ${rule.windowSeconds}) THEN 1 ELSE t."failures" + 1 END,
        "window_started_at" = CASE WHEN t."window_started_at" < now() - make_interval(secs => ${rule.windowSeconds}) THEN now() ELSE t."window_started_at" END,
        "locked_until" = CASE
          WHEN (CASE WHEN t."window_started_at" < now() - make_interval(secs => ${rule.windowSeconds}) THEN 1 ELSE t."failures" + 1 END) >= ${rule.lockAfter}
          THEN now() + make_interval(secs => ${rule.lockSeconds})
          ELSE t."locked_until" END
      RETURNING "failures", "locked_until"`;
    const row = rows[0]!;
    return { failures: row.failures, lockedUntil: row.locked_until };
  }

  async clear(key: string): Promise<void> {
    await this.database.control.loginThrottle.deleteMany({ where: { key } });
  }

  async deleteStale(before: Date): Promise<number> {
    const { count } = await this.database.control.loginThrottle.deleteMany({
      where: { windowStartedAt: { lt: before }, OR: [{ lockedUntil: null }, { lockedUntil: { lt: new Date() } }] },
    });
    return count;
  }
}
