import type { Adapter, AdapterConstructor, AdapterPayload } from 'oidc-provider';
import type { Prisma } from '../generated/control/client.js';
import type { ControlPrismaClient } from '../infra/database/database.service.js';

/** The client registry is ours (CLI and API); the provider only reads it. */
export type ClientLookup = (clientId: string) => Promise<AdapterPayload | undefined>;
export type RevocationListener = (change: { jti?: string; grantId?: string }) => void;

function expiryDate(expiresIn: number | undefined): Date | null {
  return expiresIn ? new Date(Date.now() + expiresIn * 1000) : null;
}

function notExpired(): Prisma.OidcPayloadWhereInput {
  return { OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] };
}

/**
 * oidc-provider storage in PostgreSQL: one row per model instance keyed by
 * (model name, id), the payload as JSONB, and the columns the provider looks
 * things up by (grant id, user code, session uid) indexed beside it.
 * Expired rows are invisible at once and removed by `cli tokens:purge`.
 */
export function createPrismaAdapter(
  prisma: ControlPrismaClient,
  findClient: ClientLookup,
  onRevoked: RevocationListener,
): AdapterConstructor {
  return class PrismaAdapter implements Adapter {
    constructor(private readonly type: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      if (this.type === 'Client') throw new Error('clients are registered through Tenantry, not through the provider');
      const data = {
        payload: payload as Prisma.InputJsonValue,
        grantId: payload.grantId ?? null,
        userCode: payload.userCode ?? null,
        uid: payload.uid ?? null,
        expiresAt: expiryDate(expiresIn),
      };
      await prisma.oidcPayload.upsert({
        where: { type_id: { type: this.type, id } },
        create: { type: this.type, id, ...data },
        update: data,
      });
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.type === 'Client') return findClient(id);
      return this.findOne({ id });
    }

    findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return this.findOne({ userCode });
    }

    findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return this.findOne({ uid });
    }

    async consume(id: string): Promise<void> {
      await prisma.oidcPayload.updateMany({ where: { type: this.type, id }, data: { consumedAt: new Date() } });
    }

    async destroy(id: string): Promise<void> {
      await prisma.oidcPayload.deleteMany({ where: { type: this.type, id } });
      if (this.type === 'AccessToken') onRevoked({ jti: id });
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await prisma.oidcPayload.deleteMany({ where: { type: this.type, grantId } });
      if (this.type === 'AccessToken') onRevoked({ grantId });
    }

    private async findOne(where: Prisma.OidcPayloadWhereInput): Promise<AdapterPayload | undefined> {
      const row = await prisma.oidcPayload.findFirst({ where: { type: this.type, ...where, ...notExpired() } });
      if (!row) return undefined;
      const payload = row.payload as AdapterPayload;
      return row.consumedAt ? { ...payload, consumed: Math.floor(row.consumedAt.getTime() / 1000) } : payload;
    }
  };
}
