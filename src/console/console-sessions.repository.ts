import { Injectable } from '@nestjs/common';
import type { Prisma } from '../generated/control/client.js';
import { DatabaseService } from '../infra/database/database.service.js';
import type { ConsolePerson } from './console-session.js';

export interface StoredConsoleSession {
  id: string;
  csrfToken: string;
  sealedTokens: string;
  person: ConsolePerson;
  accessExpiresAt: Date;
  expiresAt: Date;
}

/** The console's server-side sessions, in the control plane (any replica can serve any request). */
@Injectable()
export class ConsoleSessionsRepository {
  constructor(private readonly database: DatabaseService) {}

  async create(session: StoredConsoleSession): Promise<void> {
    await this.database.control.consoleSession.create({
      data: { ...session, person: session.person as unknown as Prisma.InputJsonValue },
    });
  }

  async find(id: string): Promise<StoredConsoleSession | undefined> {
    const row = await this.database.control.consoleSession.findUnique({ where: { id } });
    return row
      ? {
          id: row.id,
          csrfToken: row.csrfToken,
          sealedTokens: row.sealedTokens,
          person: row.person as unknown as ConsolePerson,
          accessExpiresAt: row.accessExpiresAt,
          expiresAt: row.expiresAt,
        }
      : undefined;
  }

  async updateTokens(id: string, sealedTokens: string, accessExpiresAt: Date): Promise<void> {
    await this.database.control.consoleSession.updateMany({ where: { id }, data: { sealedTokens, accessExpiresAt } });
  }

  async delete(id: string): Promise<void> {
    await this.database.control.consoleSession.deleteMany({ where: { id } });
  }

  async deleteExpired(now: Date): Promise<number> {
    const { count } = await this.database.control.consoleSession.deleteMany({ where: { expiresAt: { lt: now } } });
    return count;
  }
}
