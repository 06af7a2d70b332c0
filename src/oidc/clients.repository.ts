import { Injectable } from '@nestjs/common';
import { Prisma, type Client as ClientRow, type Tenant as TenantRow } from '../generated/control/client.js';
import { DatabaseService } from '../infra/database/database.service.js';
import type { GrantType, RegisteredClient } from './client.js';

type ClientWithTenant = ClientRow & { tenant: TenantRow | null };

export interface StoredClient extends RegisteredClient {
  secretHash: string | null;
}

function toClient(row: ClientWithTenant): StoredClient {
  return {
    clientId: row.id,
    name: row.name,
    tenantId: row.tenantId,
    tenantSlug: row.tenant?.slug ?? null,
    confidential: row.secretHash !== null,
    secretHash: row.secretHash,
    grantTypes: row.grantTypes as GrantType[],
    scopes: row.scopes,
    redirectUris: row.redirectUris,
    postLogoutRedirectUris: row.postLogoutRedirectUris,
    webOrigins: row.webOrigins,
    createdAt: row.createdAt,
  };
}

export interface NewClient {
  clientId: string;
  name: string;
  tenantId: string | null;
  secretHash: string | null;
  grantTypes: GrantType[];
  scopes: string[];
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  webOrigins: string[];
}

@Injectable()
export class ClientsRepository {
  constructor(private readonly database: DatabaseService) {}

  async create(client: NewClient): Promise<StoredClient> {
    const row = await this.database.control.client.create({
      data: {
        id: client.clientId,
        name: client.name,
        tenantId: client.tenantId,
        secretHash: client.secretHash,
        grantTypes: client.grantTypes,
        scopes: client.scopes,
        redirectUris: client.redirectUris,
        postLogoutRedirectUris: client.postLogoutRedirectUris,
        webOrigins: client.webOrigins,
      },
      include: { tenant: true },
    });
    return toClient(row);
  }

  /** Creates the client or brings it in line with `client`; true when anything changed. */
  async upsert(client: NewClient): Promise<boolean> {
    const existing = await this.findById(client.clientId);
    const same =
      existing !== undefined &&
      existing.tenantId === client.tenantId &&
      existing.name === client.name &&
      existing.secretHash === client.secretHash &&
      [existing.grantTypes, existing.scopes, existing.redirectUris, existing.postLogoutRedirectUris, existing.webOrigins].every(
        (list, index) =>
          JSON.stringify(list) ===
          JSON.stringify([client.grantTypes, client.scopes, client.redirectUris, client.postLogoutRedirectUris, client.webOrigins][index]),
      );
    if (same) return false;
    const { clientId, ...data } = client;
    try {
      await this.database.control.client.upsert({ where: { id: clientId }, create: { id: clientId, ...data }, update: data });
    } catch (error) {
      // Another instance starting at the same moment created it first: bring that row in line instead.
      if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002')) throw error;
      await this.database.control.client.update({ where: { id: clientId }, data });
    }
    return true;
  }

  async findById(clientId: string): Promise<StoredClient | undefined> {
    const row = await this.database.control.client.findUnique({ where: { id: clientId }, include: { tenant: true } });
    return row ? toClient(row) : undefined;
  }

  /** Platform clients when tenantId is null; one tenant's clients otherwise; all when undefined. */
  async list(tenantId?: string | null): Promise<StoredClient[]> {
    const rows = await this.database.control.client.findMany({
      where: tenantId === undefined ? {} : { tenantId },
      include: { tenant: true },
      orderBy: { createdAt: 'asc' },
    });
    return rows.map(toClient);
  }

  async updateSecretHash(clientId: string, secretHash: string): Promise<boolean> {
    const { count } = await this.database.control.client.updateMany({
      where: { id: clientId, secretHash: { not: null } },
      data: { secretHash },
    });
    return count > 0;
  }

  async delete(clientId: string): Promise<boolean> {
    const { count } = await this.database.control.client.deleteMany({ where: { id: clientId } });
    return count > 0;
  }

  /** Every web origin some client registered (CORS). */
  async allWebOrigins(): Promise<string[]> {
    const rows = await this.database.control.$queryRaw<
      { origin: string }[]
    >`SELECT DISTINCT unnest("web_origins") AS origin FROM "tenantry"."clients"`;
    return rows.map((row) => row.origin);
  }

  /** Removes a tenant's clients; returns their ids. */
  async deleteForTenant(tenantId: string): Promise<string[]> {
    return this.database.control.$transaction(async (transaction) => {
      const rows = await transaction.client.findMany({ where: { tenantId }, select: { id: true } });
      await transaction.client.deleteMany({ where: { tenantId } });
      return rows.map((row) => row.id);
    });
  }
}
