import { Injectable } from '@nestjs/common';
import { Prisma } from '../generated/tenant/client.js';
import type { Tenant } from '../tenants/tenant.js';
import { TenantDataService } from '../tenants/tenant-data.service.js';
import type { User } from './user.js';
import type { TenantUserRole } from '../auth/console-roles.js';

const PUBLIC_FIELDS = {
  id: true,
  tenantId: true,
  email: true,
  name: true,
  emailVerified: true,
  role: true,
  disabled: true,
  createdAt: true,
  updatedAt: true,
} as const;

type UserRow = Omit<User, 'role'> & { role: string };

/** The role column is CHECKed to the known roles. */
function toUser<Row extends UserRow>(row: Row): Row & { role: TenantUserRole } {
  return row as Row & { role: TenantUserRole };
}

export interface NewUser {
  id: string;
  email: string;
  name: string;
  passwordHash: string;
  emailVerified: boolean;
  role: TenantUserRole;
}

/** Users live in their tenant's data; every method names the tenant. */
@Injectable()
export class UsersRepository {
  constructor(private readonly data: TenantDataService) {}

  /** Undefined when the email is taken in this tenant. */
  async create(tenant: Tenant, user: NewUser): Promise<User | undefined> {
    try {
      return toUser(
        await this.data.write(tenant, (db) => db.user.create({ data: { ...user, tenantId: tenant.id }, select: PUBLIC_FIELDS })),
      );
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return undefined;
      throw error;
    }
  }

  /** By primary key (the cheapest lookup: every token and userinfo request of a user makes it), then held to the tenant. */
  async findById(tenant: Tenant, id: string): Promise<User | null> {
    const user = await this.data.read(tenant, (db) => db.user.findUnique({ where: { id }, select: PUBLIC_FIELDS }));
    return user?.tenantId === tenant.id ? toUser(user) : null;
  }

  async findCredentials(tenant: Tenant, email: string): Promise<(User & { passwordHash: string }) | null> {
    const row = await this.data.read(tenant, (db) =>
      db.user.findUnique({ where: { tenantId_email: { tenantId: tenant.id, email } }, select: { ...PUBLIC_FIELDS, passwordHash: true } }),
    );
    return row ? toUser(row) : null;
  }

  async list(tenant: Tenant): Promise<User[]> {
    const rows = await this.data.read(tenant, (db) =>
      db.user.findMany({ where: { tenantId: tenant.id }, select: PUBLIC_FIELDS, orderBy: { email: 'asc' } }),
    );
    return rows.map(toUser);
  }

  /** Undefined when the tenant has no such user. */
  async update(tenant: Tenant, id: string, change: { role?: TenantUserRole; disabled?: boolean }): Promise<User | undefined> {
    const { count } = await this.data.write(tenant, (db) => db.user.updateMany({ where: { tenantId: tenant.id, id }, data: change }));
    return count > 0 ? ((await this.findById(tenant, id)) ?? undefined) : undefined;
  }

  async delete(tenant: Tenant, id: string): Promise<boolean> {
    const { count } = await this.data.write(tenant, (db) => db.user.deleteMany({ where: { tenantId: tenant.id, id } }));
    return count > 0;
  }
}
