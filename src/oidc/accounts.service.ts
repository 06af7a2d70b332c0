import { Injectable } from '@nestjs/common';
import type { Account, AccountClaims } from 'oidc-provider';
import { OperatorsService } from '../operators/operators.service.js';
import { tenantUsability, type Tenant } from '../tenants/tenant.js';
import { TenantsService } from '../tenants/tenants.service.js';
import type { User } from '../users/user.js';
import { UsersService } from '../users/users.service.js';
import { clientTenant } from './client-tenant.js';
import { isConsoleClient, parseConsoleAccountId } from './console-accounts.js';

/** A person signed in to the console, as found again from their account id. */
export type ConsolePerson =
  | { kind: 'operator'; id: string; email: string; role: string }
  | { kind: 'tenant-admin'; id: string; email: string; tenant: Tenant; user: User };

/**
 * oidc-provider's view of users. A user is always looked up in the tenant of
 * the client asking, so an account of tenant A does not exist for tenant B's
 * clients: not for tokens, not for userinfo, not for an existing session.
 * The console's client signs in operators and tenant admins instead (see
 * console-accounts.ts); a disabled person, or a tenant admin no longer admin,
 * is not found, so their refreshes fail.
 */
@Injectable()
export class AccountsService {
  constructor(
    private readonly tenants: TenantsService,
    private readonly users: UsersService,
    private readonly operators: OperatorsService,
  ) {}

  /** The tenant a client signs its users in to, when it is usable (see tenantUsability). */
  async tenantOfClient(client: unknown): Promise<Tenant | undefined> {
    const binding = clientTenant(client);
    const tenant = binding ? await this.tenants.findById(binding.tenantId) : undefined;
    return tenantUsability(tenant) === 'usable' ? tenant : undefined;
  }

  async findAccount(client: unknown, accountId: string): Promise<Account | undefined> {
    if (isConsoleClient(client)) {
      const person = await this.consolePerson(accountId);
      return person && { accountId, claims: (): AccountClaims => ({ sub: accountId, email: person.email, email_verified: true }) };
    }
    const tenant = await this.tenantOfClient(client);
    const user = tenant ? await this.users.find(tenant, accountId) : undefined;
    if (!user || user.disabled) return undefined;
    return {
      accountId: user.id,
      claims: (): AccountClaims => ({
        sub: user.id,
        email: user.email,
        email_verified: user.emailVerified,
        name: user.name || undefined,
        updated_at: Math.floor(user.updatedAt.getTime() / 1000),
      }),
    };
  }

  /** The enabled operator, or the enabled admin of a usable tenant, an account id of the console names. */
  async consolePerson(accountId: string): Promise<ConsolePerson | undefined> {
    const account = parseConsoleAccountId(accountId);
    if (!account) return undefined;
    if (account.kind === 'operator') {
      const operator = await this.operators.find(account.operatorId);
      return operator && !operator.disabled ? { kind: 'operator', id: accountId, email: operator.email, role: operator.role } : undefined;
    }
    const tenant = await this.tenants.findById(account.tenantId);
    if (tenantUsability(tenant) !== 'usable') return undefined;
    const user = await this.users.find(tenant!, account.userId);
    return user && !user.disabled && user.role === 'admin'
      ? { kind: 'tenant-admin', id: accountId, email: user.email, tenant: tenant!, user }
      : undefined;
  }

  /**
   * Claims of a console access token: the person's email (the audit trail
   * names them), and for a tenant admin the tenant the token is bound to.
   */
  async consoleTokenClaims(client: unknown, accountId: string): Promise<Record<string, string> | undefined> {
    if (!isConsoleClient(client)) return undefined;
    const person = await this.consolePerson(accountId);
    if (!person) return undefined;
    return person.kind === 'operator'
      ? { email: person.email }
      : { email: person.email, tenant_id: person.tenant.id, tenant: person.tenant.slug };
  }

  /** Whether a signed-in account may use this client (same tenant). */
  async belongsToClientTenant(client: unknown, accountId: string): Promise<boolean> {
    return (await this.findAccount(client, accountId)) !== undefined;
  }
}
