import { Injectable } from '@nestjs/common';
import { LoginThrottleRepository, type ThrottleRule } from './login-throttle.repository.js';

// OWASP authentication guidance: slow repeated failures, then lock the
// account for a while; and limit one address across accounts (spraying).
const ACCOUNT_RULE: ThrottleRule = { windowSeconds: 15 * 60, lockAfter: 10, lockSeconds: 15 * 60 };
const ADDRESS_RULE: ThrottleRule = { windowSeconds: 15 * 60, lockAfter: 100, lockSeconds: 15 * 60 };
const SLOW_AFTER = 3;
const DELAY_STEP_MS = 500;
const MAX_DELAY_MS = 4_000;

export interface ThrottleVerdict {
  /** Set when sign-in is refused outright until then. */
  lockedUntil?: Date;
  /** How long to hold the response back (progressive slow-down). */
  delayMs: number;
}

@Injectable()
export class LoginThrottleService {
  constructor(private readonly repository: LoginThrottleRepository) {}

  static accountKey(tenantId: string, email: string): string {
    return `account:${tenantId}:${email.trim().toLowerCase()}`;
  }

  static addressKey(address: string): string {
    return `address:${address}`;
  }

  /** Refuses before the password is even checked when the account or the address is locked. */
  async check(accountKey: string, addressKey: string): Promise<Date | undefined> {
    const now = Date.now();
    const states = await Promise.all([this.repository.find(accountKey), this.repository.find(addressKey)]);
    const locks = states.map((state) => state?.lockedUntil).filter((until): until is Date => !!until && until.getTime() > now);
    return locks.sort((a, b) => b.getTime() - a.getTime())[0];
  }

  async recordFailure(accountKey: string, addressKey: string): Promise<ThrottleVerdict> {
    const [account, address] = await Promise.all([
      this.repository.recordFailure(accountKey, ACCOUNT_RULE),
      this.repository.recordFailure(addressKey, ADDRESS_RULE),
    ]);
    const lockedUntil = [account.lockedUntil, address.lockedUntil].find((until) => until && until.getTime() > Date.now()) ?? undefined;
    const delayMs = Math.min(Math.max(0, account.failures - SLOW_AFTER) * DELAY_STEP_MS, MAX_DELAY_MS);
    return { lockedUntil, delayMs };
  }

  async recordSuccess(accountKey: string): Promise<void> {
    await this.repository.clear(accountKey);
  }
}
