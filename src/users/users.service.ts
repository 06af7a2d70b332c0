import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { TENANT_USER_ROLES, type TenantUserRole } from '../auth/console-roles.js';
import { Caches } from '../infra/cache/caches.js';
import { ChangeBus } from '../infra/database/change-bus.service.js';
import type { Tenant } from '../tenants/tenant.js';
import { burnPasswordCheck, hashPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, verifyPassword } from './password.js';
import { EMAIL_PATTERN, normalizeEmail, type User } from './user.js';
import { UsersError } from './users.errors.js';
import { UsersRepository } from './users.repository.js';

export interface CreateUserCommand {
  email: string;
  password: string;
  name?: string;
  emailVerified?: boolean;
  role?: TenantUserRole;
}

/** The change topic of tenant users (key: `<tenant id>:<user id>`). */
export const USER_CHANGED = 'user';
// Every token request and userinfo call of a user reads its record (the
// claims); a deletion reaches every instance at once, the TTL bounds
// staleness where it cannot (another process on the embedded database).
const CACHE_CAPACITY = 10_000;
const CACHE_TTL_MS = 10_000;

@Injectable()
export class UsersService {
  private readonly logger = new Logger(UsersService.name);
  private readonly byId;

  constructor(
    private readonly repository: UsersRepository,
    private readonly changes: ChangeBus,
    caches: Caches,
  ) {
    this.byId = caches.create<string, User | null>({
      name: 'users',
      capacity: CACHE_CAPACITY,
      ttlMs: CACHE_TTL_MS,
      invalidatedBy: { [USER_CHANGED]: 'key' },
    });
  }

  async create(tenant: Tenant, command: CreateUserCommand): Promise<User> {
    const email = normalizeEmail(command.email);
    if (!EMAIL_PATTERN.test(email)) throw new UsersError('USER_INVALID', 'email is not a valid address.');
    if (command.password.length < PASSWORD_MIN_LENGTH || command.password.length > PASSWORD_MAX_LENGTH) {
      throw new UsersError('USER_INVALID', `password must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters.`);
    }
    const user = await this.repository.create(tenant, {
      id: randomUUID(),
      email,
      name: command.name?.trim() ?? '',
      passwordHash: await hashPassword(command.password),
      emailVerified: command.emailVerified ?? false,
      role: this.checkRole(command.role ?? 'member'),
    });
    if (!user) throw new UsersError('USER_EMAIL_TAKEN', `${email} is already registered in tenant ${tenant.slug}.`);
    await this.changes.publish({ topic: USER_CHANGED, key: `${tenant.id}:${user.id}` });
    this.logger.log(`created user ${user.id} in tenant ${tenant.slug}`);
    return user;
  }

  /** The user whose email and password match in this tenant, or undefined. Takes as long either way. */
  async authenticate(tenant: Tenant, email: string, password: string): Promise<User | undefined> {
    const found = await this.repository.findCredentials(tenant, normalizeEmail(email));
    if (!found) {
      await burnPasswordCheck(password);
      return undefined;
    }
    const { passwordHash, ...user } = found;
    return (await verifyPassword(password, passwordHash)) && !user.disabled ? user : undefined;
  }

  /** The tenant's user with this id (a user of another tenant is not found). */
  async find(tenant: Tenant, id: string): Promise<User | undefined> {
    const key = `${tenant.id}:${id}`;
    return this.byId.get(key) ?? (await this.byId.getOrLoad(key, () => this.repository.findById(tenant, id))) ?? undefined;
  }

  list(tenant: Tenant): Promise<User[]> {
    return this.repository.list(tenant);
  }

  /** Role and disabled flag; a disabled user cannot sign in, and its tokens stop at their next use (findAccount). */
  async update(tenant: Tenant, id: string, change: { role?: string; disabled?: boolean }): Promise<User> {
    const role = change.role === undefined ? undefined : this.checkRole(change.role);
    const user = await this.repository.update(tenant, id, { role, disabled: change.disabled });
    // The id is not echoed: an id of another tenant's user says nothing back about it.
    if (!user) throw new UsersError('USER_NOT_FOUND', `Tenant ${tenant.slug} has no user with this id.`);
    await this.changes.publish({ topic: USER_CHANGED, key: `${tenant.id}:${id}` });
    this.logger.log(`updated user ${id} in tenant ${tenant.slug}`);
    return user;
  }

  private checkRole(role: string): TenantUserRole {
    if (!(TENANT_USER_ROLES as readonly string[]).includes(role)) {
      throw new UsersError('USER_INVALID', `role must be one of ${TENANT_USER_ROLES.join(', ')}.`);
    }
    return role as TenantUserRole;
  }

  async delete(tenant: Tenant, id: string): Promise<void> {
    if (!(await this.repository.delete(tenant, id))) throw new UsersError('USER_NOT_FOUND', `No user ${id} in tenant ${tenant.slug}.`);
    await this.changes.publish({ topic: USER_CHANGED, key: `${tenant.id}:${id}` });
  }
}
