import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { TenancyConfig } from '../config/app-config.js';
import { DatabaseService } from '../infra/database/database.service.js';
import { POOLED_SCHEMA } from '../infra/database/schema-names.js';
import { migrateTenantSchema } from './tenant-schema-migrator.js';
import { TenantStorageRepository } from './tenant-storage.repository.js';
import type { Tenant, TenantPlacement } from './tenant.js';
import { TenantsError } from './tenants.errors.js';
import { TenantsRepository } from './tenants.repository.js';
import { schemaFor, TenantsService } from './tenants.service.js';

export interface MoveResult {
  tenant: Tenant;
  from: TenantPlacement;
  /** Rows copied into the new placement (0 when it was already there). */
  copiedRows: number;
  /** False when the old copy is removed later, in the background. */
  oldCopyRemoved: boolean;
}

/**
 * Moves a tenant's data between placements while it keeps serving:
 * 1. the target schema is created or brought to the same migration;
 * 2. one transaction takes the tenant's data lock exclusively, copies every
 *    row and switches the registry. Writes are BLOCKED for that moment (they
 *    take the lock shared), then re-read the routing and land in the new
 *    copy, so no acknowledged write is lost. Reads are never blocked;
 * 3. after a grace period longer than any cached routing lives, the old copy
 *    is removed. A crash before that leaves it recorded (retired_schema) and
 *    the next move or start removes it.
 */
@Injectable()
export class TenantMoveService implements OnApplicationShutdown {
  private readonly logger = new Logger(TenantMoveService.name);
  private readonly cleanups = new Set<AbortController>();

  constructor(
    private readonly tenants: TenantsService,
    private readonly repository: TenantsRepository,
    private readonly storage: TenantStorageRepository,
    private readonly database: DatabaseService,
    private readonly tenancy: TenancyConfig,
  ) {}

  async move(slug: string, placement: TenantPlacement, options: { waitForCleanup: boolean }): Promise<MoveResult> {
    let tenant = await this.tenants.getFresh(slug);
    if (tenant.status === 'deleting') throw new TenantsError('TENANT_BEING_DELETED', `Tenant "${slug}" is being deleted.`);
    if (tenant.retiredSchema) {
      await this.storage.removeRetiredCopy(tenant.id);
      tenant = await this.tenants.getFresh(slug);
    }
    const from = tenant.placement;
    if (from === placement) return { tenant, from, copiedRows: 0, oldCopyRemoved: true };

    const target = schemaFor(slug, placement);
    if (placement === 'isolated') await this.storage.prepareIsolatedSchema(target, this.tenants.migrations);
    await migrateTenantSchema(this.database.pool, placement === 'pooled' ? POOLED_SCHEMA : target, this.tenants.migrations);
    await migrateTenantSchema(this.database.pool, tenant.schemaName, this.tenants.migrations);

    const copiedRows = await this.storage.switchPlacement(tenant, { placement, schemaName: target });
    if (copiedRows === undefined) throw new TenantsError('TENANT_MOVE_CONFLICT', `Tenant "${slug}" changed during the move; try again.`);
    await this.tenants.announce(tenant);
    this.logger.log(`moved tenant ${slug} from ${from} to ${placement}: ${copiedRows} row(s) copied`);

    if (options.waitForCleanup) await this.removeOldCopyAfterGrace(tenant.id);
    else this.scheduleCleanup(tenant.id);
    return { tenant: await this.tenants.getFresh(slug), from, copiedRows, oldCopyRemoved: options.waitForCleanup };
  }

  /** Schedules removal of old copies a crash left behind. */
  async finishInterrupted(): Promise<number> {
    const pending = await this.repository.withRetiredSchema();
    for (const tenant of pending) this.scheduleCleanup(tenant.id);
    return pending.length;
  }

  onApplicationShutdown(): void {
    for (const cleanup of this.cleanups) cleanup.abort();
  }

  private scheduleCleanup(tenantId: string): void {
    const controller = new AbortController();
    this.cleanups.add(controller);
    this.removeOldCopyAfterGrace(tenantId, controller.signal)
      .catch((error: unknown) => {
        if (!controller.signal.aborted) this.logger.error(`tenant ${tenantId}: removing the old copy failed: ${(error as Error).message}`);
      })
      .finally(() => this.cleanups.delete(controller));
  }

  private async removeOldCopyAfterGrace(tenantId: string, signal?: AbortSignal): Promise<void> {
    await sleep(this.tenancy.moveGraceSeconds * 1000, undefined, { signal, ref: false });
    await this.storage.removeRetiredCopy(tenantId);
  }
}
