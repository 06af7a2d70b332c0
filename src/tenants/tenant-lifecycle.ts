import { Injectable } from '@nestjs/common';
import type { Tenant } from './tenant.js';

/**
 * The transaction a tenant is created in, for participants to write their
 * own per-tenant rows in it: they commit with the tenant or vanish with it.
 * `schema` is the tenant's data schema, already quoted for SQL.
 */
export interface TenantCreation {
  readonly tenant: Tenant;
  readonly schema: string;
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/**
 * A module that keeps rows per tenant. The registry announces a tenant's
 * creation (inside its transaction) and its deletion (before its data goes),
 * and each owner acts on its own tables.
 */
export abstract class TenantLifecycleParticipant {
  abstract onTenantCreated(creation: TenantCreation): Promise<void>;
  /** Called before the tenant's data is removed; must be safe to repeat (a deletion is resumed after a crash). */
  abstract onTenantDeleting(tenant: Tenant): Promise<void>;
}

/** Where participants sign up (in their module's initialisation) and the registry announces. */
@Injectable()
export class TenantLifecycle {
  private readonly participants: TenantLifecycleParticipant[] = [];

  register(participant: TenantLifecycleParticipant): void {
    this.participants.push(participant);
  }

  async created(creation: TenantCreation): Promise<void> {
    for (const participant of this.participants) await participant.onTenantCreated(creation);
  }

  async deleting(tenant: Tenant): Promise<void> {
    for (const participant of this.participants) await participant.onTenantDeleting(tenant);
  }
}
