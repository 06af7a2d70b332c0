import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../infra/database/database.service.js';
import type { Prisma, ServerSecret, SigningKey } from '../generated/control/client.js';

export type KeysTransaction = Prisma.TransactionClient;

@Injectable()
export class KeysRepository {
  constructor(private readonly database: DatabaseService) {}

  /**
   * Runs fn in a transaction holding the key-management advisory lock, so two
   * instances starting on an empty database create one key, not two.
   */
  withLock<T>(fn: (transaction: KeysTransaction) => Promise<T>): Promise<T> {
    return this.database.control.$transaction(async (transaction) => {
      await transaction.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended('tenantry:keys', 0))`;
      return fn(transaction);
    });
  }

  /** The active key(s) and retired keys whose tokens may still be alive, newest first. */
  findSigningKeysRetiredAfter(since: Date, client: KeysTransaction = this.database.control): Promise<SigningKey[]> {
    return client.signingKey.findMany({
      where: { OR: [{ retiredAt: null }, { retiredAt: { gt: since } }] },
      orderBy: { createdAt: 'desc' },
    });
  }

  async insertSigningKey(
    key: Pick<SigningKey, 'kid' | 'alg' | 'privateJwkEncrypted'> & { publicJwk: Prisma.InputJsonValue },
    client: KeysTransaction,
  ): Promise<void> {
    await client.signingKey.create({ data: key });
  }

  async retireSigningKeysExcept(kid: string, at: Date, client: KeysTransaction): Promise<number> {
    const { count } = await client.signingKey.updateMany({ where: { kid: { not: kid }, retiredAt: null }, data: { retiredAt: at } });
    return count;
  }

  async deleteSigningKeysRetiredBefore(before: Date): Promise<number> {
    const { count } = await this.database.control.signingKey.deleteMany({ where: { retiredAt: { lt: before } } });
    return count;
  }

  findSecrets(purpose: string, client: KeysTransaction = this.database.control): Promise<ServerSecret[]> {
    return client.serverSecret.findMany({ where: { purpose }, orderBy: { createdAt: 'desc' } });
  }

  async insertSecret(secret: Pick<ServerSecret, 'id' | 'purpose' | 'valueEncrypted'>, client: KeysTransaction): Promise<void> {
    await client.serverSecret.create({ data: secret });
  }
}
