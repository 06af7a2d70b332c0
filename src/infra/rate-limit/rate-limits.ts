import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database/database.service.js';

/** A token bucket: `perMinute` on average, bursts of `burstSeconds` worth. */
export interface RateRule {
  perMinute: number;
  burstSeconds: number;
}

/**
 * Rate limits that hold for the whole deployment: each bucket is one row in
 * the control plane, refilled and taken from in ONE statement on the
 * database's clock, so replicas share it (N instances do not allow N times
 * the limit) and concurrent takes cannot both spend the last token. Works on
 * the embedded database too.
 */
@Injectable()
export class RateLimits {
  constructor(private readonly database: DatabaseService) {}

  /**
   * Takes `cost` tokens from `key`'s bucket (all or none); the seconds to wait
   * when there are not that many, else undefined. A cost above one leases a
   * batch that the caller then spends locally (see the API keys' limiter).
   */
  async take(key: string, rule: RateRule, cost = 1): Promise<number | undefined> {
    const perSecond = rule.perMinute / 60;
    const capacity = Math.max(1, Math.ceil(perSecond * rule.burstSeconds));
    const { rows } = await this.database.pool.query<{ allowed: boolean; tokens: number }>(
      // In ON CONFLICT DO UPDATE, b is the existing row as locked (its latest
      // version), so concurrent takes queue on it and each sees the last one's result.
      `INSERT INTO "tenantry"."rate_limits" AS b ("key", "tokens", "allowed", "updated_at")
       VALUES ($1, $2::float8 - CASE WHEN $2::float8 >= $4::float8 THEN $4::float8 ELSE 0 END, $2::float8 >= $4::float8, now())
       ON CONFLICT ("key") DO UPDATE SET
         "allowed" = LEAST($2::float8, b."tokens" + EXTRACT(EPOCH FROM (now() - b."updated_at")) * $3::float8) >= $4::float8,
         "tokens" = LEAST($2::float8, b."tokens" + EXTRACT(EPOCH FROM (now() - b."updated_at")) * $3::float8)
           - CASE WHEN LEAST($2::float8, b."tokens" + EXTRACT(EPOCH FROM (now() - b."updated_at")) * $3::float8) >= $4::float8 THEN $4::float8 ELSE 0 END,
         "updated_at" = now()
       RETURNING "allowed", "tokens"`,
      [key, capacity, perSecond, cost],
    );
    const bucket = rows[0]!;
    return bucket.allowed ? undefined : Math.max(1, Math.ceil((cost - bucket.tokens) / perSecond));
  }

  /** Forgets buckets untouched for `idleSeconds` (they are full again by then). */
  async purgeIdle(idleSeconds: number): Promise<number> {
    const result = await this.database.pool.query(
      `DELETE FROM "tenantry"."rate_limits" WHERE "updated_at" < now() - make_interval(secs => $1)`,
      [idleSeconds],
    );
    return result.rowCount ?? 0;
  }
}
