import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ChangeBus } from '../infra/database/change-bus.service.js';
import { TenantLifecycle, TenantLifecycleParticipant } from '../tenants/tenant-lifecycle.js';
import type { Tenant } from '../tenants/tenant.js';
import { API_KEY_CHANGED } from './api-key.js';
import { ApiKeysRepository } from './api-keys.repository.js';

/** A tenant being deleted loses its API keys, on every instance at once. Safe to repeat; a new tenant has none. */
@Injectable()
export class ApiKeysTenantLifecycle extends TenantLifecycleParticipant implements OnModuleInit {
  private readonly logger = new Logger(ApiKeysTenantLifecycle.name);

  constructor(
    private readonly lifecycle: TenantLifecycle,
    private readonly repository: ApiKeysRepository,
    private readonly changes: ChangeBus,
  ) {
    super();
  }

  onModuleInit(): void {
    this.lifecycle.register(this);
  }

  async onTenantCreated(): Promise<void> {}

  async onTenantDeleting(tenant: Tenant): Promise<void> {
    const removed = await this.repository.deleteForTenant(tenant.id);
    if (removed > 0) await this.changes.publish({ topic: API_KEY_CHANGED, key: tenant.id });
    this.logger.log(`tenant ${tenant.slug}: ${removed} API key(s) removed`);
  }
}
