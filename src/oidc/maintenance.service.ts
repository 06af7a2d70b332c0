import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { OperationsConfig } from '../config/app-config.js';
import { RateLimits } from '../infra/rate-limit/rate-limits.js';
import { LoginThrottleRepository } from './interactions/login-throttle.repository.js';
import { KeysService } from './keys.service.js';
import { OidcPayloadsRepository } from './oidc-payloads.repository.js';
import { OidcService } from './oidc.service.js';

const TICK_MS = 60_000;
const THROTTLE_RETENTION_MS = 24 * 3600 * 1000;
const IDLE_BUCKET_SECONDS = 3600;

/**
 * Scheduled work, like Passport's scheduled passport:purge: rotate the
 * signing key when it is older than KEY_ROTATION_INTERVAL, purge expired
 * tokens every TOKEN_PURGE_INTERVAL, and pick up keys rotated elsewhere.
 * Every step is safe when several instances run it.
 */
@Injectable()
export class MaintenanceService implements OnApplicationShutdown {
  private readonly logger = new Logger(MaintenanceService.name);
  private timer: NodeJS.Timeout | undefined;
  private lastPurge = 0;
  private running = false;

  constructor(
    private readonly operations: OperationsConfig,
    private readonly keys: KeysService,
    private readonly oidc: OidcService,
    private readonly payloads: OidcPayloadsRepository,
    private readonly throttles: LoginThrottleRepository,
    private readonly limits: RateLimits,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), TICK_MS);
    this.timer.unref();
  }

  async tick(now = Date.now()): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const { keyRotationIntervalSeconds, tokenPurgeIntervalSeconds } = this.operations;
      if (keyRotationIntervalSeconds > 0) {
        const kid = await this.keys.rotateIfOlderThan(keyRotationIntervalSeconds);
        if (kid) this.logger.log(`scheduled rotation: new signing key ${kid}`);
      }
      await this.oidc.refreshKeys();
      if (tokenPurgeIntervalSeconds > 0 && now - this.lastPurge >= tokenPurgeIntervalSeconds * 1000) {
        this.lastPurge = now;
        const removed = await this.purge();
        if (removed.tokens + removed.keys > 0)
          this.logger.log(`scheduled purge: ${removed.tokens} expired record(s), ${removed.keys} retired key(s)`);
      }
    } catch (error) {
      this.logger.error(`maintenance failed: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  async purge(): Promise<{ tokens: number; keys: number; throttles: number }> {
    const tokens = await this.payloads.deleteExpired();
    const keys = await this.keys.purgeExpiredKeys();
    const throttles = await this.throttles.deleteStale(new Date(Date.now() - THROTTLE_RETENTION_MS));
    // Idle token buckets are full again; a rate limit does not need them.
    const buckets = await this.limits.purgeIdle(IDLE_BUCKET_SECONDS);
    return { tokens, keys, throttles: throttles + buckets };
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
