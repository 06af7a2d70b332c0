import { Injectable } from '@nestjs/common';
import type { Account, AccountClaims } from 'oidc-provider';
import { tenantUsability, type Tenant } from '../tenants/tenant.js';
import { TenantsService } from '../tenants/tenants.service.js';
import { UsersService } from '../users/users.service.js';
import { clientTenant } from './client-tenant.js';

/**
 * oidc-provider's view of users. A user is always looked up in the tenant of
 * the client asking, so an account of tenant A does not exist for tenant B's
 * clients: not for tokens, not for userinfo, not for an existing session.
 */
@Injectable()
export class AccountsService {
  constructor(
    private readonly tenants: TenantsService,
    private readonly users: UsersService,
  ) {}

  /** The tenant a client signs its users in to, when it is usable (see tenantUsability). */
  async tenantOfClient(client: unknown): Promise<Tenant | undefined> {
    const binding = clientTenant(client);
    const tenant = binding ? await this.tenants.findById(binding.tenantId) : undefined;
    return tenantUsability(tenant) === 'usable' ? tenant : undefined;
  }

  async findAccount(client: unknown, accountId: string): Promise<Account | undefined> {
    const tenant = await this.tenantOfClient(client);
    const user = tenant ? await this.users.find(tenant, accountId) : undefined;
    if (!user) return undefined;
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

  /** Whether a signed-in account may use this client (same tenant). */
  async belongsToClientTenant(client: unknown, accountId: string): Promise<boolean> {
    return (await this.findAccount(client, accountId)) !== undefined;
  }
}
