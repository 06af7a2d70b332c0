import { Module } from '@nestjs/common';
import { ActingTenantGuard } from './acting-tenant.js';
import { TenantAccessService } from './tenant-access.service.js';
import { TenantDataService } from './tenant-data.service.js';
import { TenantLifecycle } from './tenant-lifecycle.js';
import { TenantMigrationsService } from './tenant-migrations.service.js';
import { TenantMoveService } from './tenant-move.service.js';
import { TenantRemovalService } from './tenant-removal.service.js';
import { TenantStorageRepository } from './tenant-storage.repository.js';
import { TenantsController } from './tenants.controller.js';
import { TenantsRepository } from './tenants.repository.js';
import { TenantsService } from './tenants.service.js';

@Module({
  controllers: [TenantsController],
  providers: [
    TenantsRepository,
    TenantStorageRepository,
    TenantsService,
    TenantLifecycle,
    TenantAccessService,
    ActingTenantGuard,
    TenantDataService,
    TenantMigrationsService,
    TenantMoveService,
    TenantRemovalService,
  ],
  exports: [
    TenantsService,
    TenantLifecycle,
    TenantAccessService,
    ActingTenantGuard,
    TenantDataService,
    TenantMigrationsService,
    TenantMoveService,
    TenantRemovalService,
  ],
})
export class TenantsModule {}
