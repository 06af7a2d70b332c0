import { Injectable } from '@nestjs/common';
import { operatorScopes, tenantAdminScopes, type OperatorRole } from '../../auth/console-roles.js';
import { OperatorsService } from '../../operators/operators.service.js';
import { TenantAccessService } from '../../tenants/tenant-access.service.js';
import { TenantsError } from '../../tenants/tenants.errors.js';
import { UsersService } from '../../users/users.service.js';
import { AccountsService } from '../accounts.service.js';
import { consoleAccountId } from '../console-accounts.js';
import { LoginThrottleService } from './login-throttle.service.js';
import type { Tenant } from '../../tenants/tenant.js';

export type ConsoleSignInResult =
  { outcome: 'signed-in'; accountId: string } | { outcome: 'refused'; message: string } | { outcome: 'not-admin'; message: string };

/**
 * The console's sign-in: with no organisation, an operator of the control
 * plane; with one (a tenant slug), a user of that tenant whose role there is
 * admin. Refusals do not say whether the organisation or the email exists.
 */
@Injectable()
export class ConsoleSignIn {
  constructor(
    private readonly operators: OperatorsService,
    private readonly users: UsersService,
    private readonly access: TenantAccessService,
    private readonly accounts: AccountsService,
  ) {}

  /**
   * The failed-sign-in counter a console sign-in counts against: an
   * operator's own, or for a tenant's admin the very counter of that tenant
   * user (LoginThrottleService.accountKey), so the console is no second door
   * with its own allowance.
   */
  async throttleKey(organisation: string, email: string): Promise<string> {
    if (!organisation) return `operator:${email.trim().toLowerCase()}`;
    const tenant = await this.tenantNamed(organisation);
    return tenant
      ? LoginThrottleService.accountKey(tenant.id, email)
      : `console:${organisation.trim().toLowerCase()}:${email.trim().toLowerCase()}`;
  }

  private tenantNamed(organisation: string): Promise<Tenant | undefined> {
    return Promise.resolve()
      .then(() => this.access.resolve({ tenantId: null }, organisation.trim().toLowerCase()))
      .catch((error: unknown) => {
        if (error instanceof TenantsError) return undefined;
        throw error;
      });
  }

  async authenticate(organisation: string, email: string, password: string): Promise<ConsoleSignInResult> {
    const refused = { outcome: 'refused' as const, message: 'The organisation, email or password is not right.' };
    if (!email || !password) return refused;
    if (!organisation) {
      const operator = await this.operators.authenticate(email, password);
      return operator ? { outcome: 'signed-in', accountId: consoleAccountId({ kind: 'operator', operatorId: operator.id }) } : refused;
    }
    const tenant = await this.tenantNamed(organisation);
    const user = tenant ? await this.users.authenticate(tenant, email, password) : undefined;
    if (!tenant || !user) return refused;
    if (user.role !== 'admin') {
      return {
        outcome: 'not-admin',
        message: `${user.email} is not an administrator of ${tenant.name}: the console is for administrators.`,
      };
    }
    return {
      outcome: 'signed-in',
      accountId: consoleAccountId({ kind: 'tenant-admin', tenantId: tenant.id, userId: user.id }),
    };
  }

  /** The API scopes the person's console token gets: their role's (console-roles.ts), nothing else. */
  async scopesFor(accountId: string): Promise<string[] | undefined> {
    const person = await this.accounts.consolePerson(accountId);
    if (!person) return undefined;
    return person.kind === 'operator' ? operatorScopes(person.role as OperatorRole) : tenantAdminScopes(person.tenant.adminsMayToggleFlags);
  }
}
