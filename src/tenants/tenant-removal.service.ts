import { Injectable, Logger } from '@nestjs/common';
import { TenantLifecycle } from './tenant-lifecycle.js';
import { TenantStorageRepository } from './tenant-storage.repository.js';
import type { Tenant } from './tenant.js';
import { TenantsRepository } from './tenants.repository.js';
import { TenantsService } from './tenants.service.js';

/**
 * Deletes a tenant in steps, each safe to repeat, so a crash half-way is
 * finished by running the deletion again (or by the next start):
 * 1. status 'deleting': its tokens stop working at once, it cannot be moved;
 * 2. the modules that keep rows for it act (oidc revokes grants, tokens,
 *    codes and sessions and removes its clients);
 * 3. data removed (schema dropped, or pooled rows deleted), then the tenant.
 */
@Injectable()
export class TenantRemovalService {
  private readonly logger = new Logger(TenantRemovalService.name);

  constructor(
    private readonly tenants: TenantsService,
    private readonly repository: TenantsRepository,
    private readonly storage: TenantStorageRepository,
    private readonly lifecycle: TenantLifecycle,
  ) {}

  async delete(slug: string): Promise<void> {
    const tenant = await this.tenants.getFresh(slug);
    await this.finish(tenant);
  }

  /** Finishes deletions a crash interrupted. */
  async finishInterrupted(): Promise<number> {
    const pending = await this.repository.find({ status: 'deleting', limit: 10_000 });
    for (const tenant of pending) await this.finish(tenant);
    return pending.length;
  }

  private async finish(tenant: Tenant): Promise<void> {
    if (tenant.status !== 'deleting') {
      await this.repository.setStatus(tenant.id, 'deleting', ['active', 'suspended']);
      await this.tenants.announce(tenant);
    }
    await this.lifecycle.deleting({ ...tenant, status: 'deleting' });
    await this.storage.removeTenant(tenant.id);
    await this.tenants.announce(tenant);
    this.logger.log(`deleted tenant ${tenant.slug} (${tenant.id}) and its data`);
  }
}
