import { Module } from '@nestjs/common';
import { TenantAccessService } from './tenant-access.service.js';
import { TenantDataService } from './tenant-data.service.js';
import { TenantsController } from './tenants.controller.js';
import { TenantsRepository } from './tenants.repository.js';
import { TenantsService } from './tenants.service.js';

@Module({
  controllers: [TenantsController],
  providers: [TenantsRepository, TenantsService, TenantAccessService, TenantDataService],
  exports: [TenantsService, TenantAccessService, TenantDataService],
})
export class TenantsModule {}
