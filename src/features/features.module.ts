import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { FeatureListRenderer } from './feature-list.renderer.js';
import { FeatureReadFastPath } from './feature-read.fast-path.js';
import { FeaturesController } from './features.controller.js';
import { FeaturesRepository } from './features.repository.js';
import { FeaturesService } from './features.service.js';
import { TenantFeaturesController } from './tenant-features.controller.js';
import { TenantFeaturesRepository } from './tenant-features.repository.js';
import { FeatureEventsController } from './feature-events.controller.js';
import { FeatureEventsService } from './feature-events.service.js';
import { OfrepController } from './ofrep/ofrep.controller.js';
import { OfrepService } from './ofrep/ofrep.service.js';
import { StreamTickets } from './stream-tickets.js';

@Module({
  imports: [TenantsModule, AuthModule],
  controllers: [FeaturesController, TenantFeaturesController, FeatureEventsController, OfrepController],
  providers: [FeaturesRepository, TenantFeaturesRepository, FeaturesService, FeatureEventsService, OfrepService, StreamTickets, FeatureListRenderer, FeatureReadFastPath],
  exports: [FeatureReadFastPath],
})
export class FeaturesModule {}
