import { Module } from '@nestjs/common';
import { TenantsModule } from '../tenants/tenants.module.js';
import { FeaturesController } from './features.controller.js';
import { FeaturesRepository } from './features.repository.js';
import { FeaturesService } from './features.service.js';
import { TenantFeaturesController } from './tenant-features.controller.js';
import { TenantFeaturesRepository } from './tenant-features.repository.js';
import { OfrepController } from './ofrep/ofrep.controller.js';
import { OfrepService } from './ofrep/ofrep.service.js';

@Module({
  imports: [TenantsModule],
  controllers: [FeaturesController, TenantFeaturesController, OfrepController],
  providers: [FeaturesRepository, TenantFeaturesRepository, FeaturesService, OfrepService],
})
export class FeaturesModule {}
