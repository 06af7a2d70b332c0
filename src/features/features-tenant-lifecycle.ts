import { Injectable, OnModuleInit } from '@nestjs/common';
import { CONTROL_SCHEMA, quoteSchema } from '../infra/database/schema-names.js';
import { TenantLifecycle, TenantLifecycleParticipant, type TenantCreation } from '../tenants/tenant-lifecycle.js';
import type { Tenant } from '../tenants/tenant.js';

/**
 * A new tenant starts with the catalogue's defaults written as its own
 * state (origin 'seed', shown as source: default until an admin sets them),
 * in the transaction that creates it. Its flag data goes with its schema or
 * pooled rows when it is deleted, so there is nothing to do then.
 */
@Injectable()
export class FeaturesTenantLifecycle extends TenantLifecycleParticipant implements OnModuleInit {
  constructor(private readonly lifecycle: TenantLifecycle) {
    super();
  }

  onModuleInit(): void {
    this.lifecycle.register(this);
  }

  async onTenantCreated({ tenant, schema, query }: TenantCreation): Promise<void> {
    await query(
      `INSERT INTO ${schema}."tenant_features" ("tenant_id", "feature_key", "enabled", "origin", "updated_at")
       SELECT $1, "key", "default_enabled", 'seed', now() FROM ${quoteSchema(CONTROL_SCHEMA)}."features"`,
      [tenant.id],
    );
  }

  async onTenantDeleting(_tenant: Tenant): Promise<void> {}
}
