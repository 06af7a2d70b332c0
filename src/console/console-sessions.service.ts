import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { SecurityConfig } from '../config/app-config.js';
import { SecretBox } from '../infra/crypto/secret-box.js';
import type { ConsolePerson, ConsoleSession, ConsoleTokens } from './console-session.js';
import { ConsoleSessionsRepository } from './console-sessions.repository.js';

/** How long a console session lives at most, whatever its refreshes. */
const SESSION_LIFETIME_MS = 12 * 60 * 60 * 1000;
// Expired rows are refused when read; this only keeps the table small.
const PURGE_INTERVAL_MS = 15 * 60 * 1000;

function hashOf(cookieValue: string): string {
  return createHash('sha256').update(cookieValue).digest('base64url');
}

/**
 * Console sessions: the cookie holds a random value; the table holds its
 * hash, the CSRF token, and the person's tokens sealed with the same
 * at-rest encryption as the signing keys (SecretBox).
 */
@Injectable()
export class ConsoleSessionsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ConsoleSessionsService.name);
  private readonly box: SecretBox;
  private purger: NodeJS.Timeout | undefined;

  constructor(
    private readonly repository: ConsoleSessionsRepository,
    security: SecurityConfig,
  ) {
    this.box = new SecretBox(security.secretKey, 'console-session-tokens');
  }

  onModuleInit(): void {
    this.purger = setInterval(() => {
      this.deleteExpired().catch((error: Error) => this.logger.warn(`could not purge expired console sessions: ${error.message}`));
    }, PURGE_INTERVAL_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.purger);
  }

  /** A new session; returns the cookie value (shown to the browser only). */
  async start(person: ConsolePerson, tokens: ConsoleTokens, accessExpiresAt: Date): Promise<string> {
    const cookieValue = randomBytes(32).toString('base64url');
    await this.repository.create({
      id: hashOf(cookieValue),
      csrfToken: randomBytes(32).toString('base64url'),
      sealedTokens: this.box.seal(JSON.stringify(tokens)),
      person,
      accessExpiresAt,
      expiresAt: new Date(Date.now() + SESSION_LIFETIME_MS),
    });
    return cookieValue;
  }

  async find(cookieValue: string | undefined): Promise<ConsoleSession | undefined> {
    if (!cookieValue || cookieValue.length > 100) return undefined;
    const stored = await this.repository.find(hashOf(cookieValue));
    if (!stored || stored.expiresAt.getTime() <= Date.now()) return undefined;
    return {
      id: stored.id,
      csrfToken: stored.csrfToken,
      person: stored.person,
      tokens: JSON.parse(this.box.open(stored.sealedTokens)) as ConsoleTokens,
      accessExpiresAt: stored.accessExpiresAt,
      expiresAt: stored.expiresAt,
    };
  }

  async saveTokens(session: ConsoleSession, tokens: ConsoleTokens, accessExpiresAt: Date): Promise<void> {
    session.tokens = tokens;
    session.accessExpiresAt = accessExpiresAt;
    await this.repository.updateTokens(session.id, this.box.seal(JSON.stringify(tokens)), accessExpiresAt);
  }

  async end(session: Pick<ConsoleSession, 'id'>): Promise<void> {
    await this.repository.delete(session.id);
  }

  checkCsrf(session: ConsoleSession, presented: string | undefined): boolean {
    if (!presented) return false;
    const expected = Buffer.from(session.csrfToken);
    const given = Buffer.from(presented);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  deleteExpired(): Promise<number> {
    return this.repository.deleteExpired(new Date());
  }
}
