import { Module } from '@nestjs/common';
import { TenantsModule } from '../tenants/tenants.module.js';
import { FeatureEventsController } from './feature-events.controller.js';
import { FeatureEventsService } from './feature-events.service.js';
import { FeaturesTenantLifecycle } from './features-tenant-lifecycle.js';
import { FeaturesController } from './features.controller.js';
import { FeaturesRepository } from './features.repository.js';
import { FeaturesService } from './features.service.js';
import { OfrepController } from './ofrep/ofrep.controller.js';
import { OfrepService } from './ofrep/ofrep.service.js';
import { SegmentsController } from './segments.controller.js';
import { SegmentsService } from './segments.service.js';
import { StreamTickets } from './stream-tickets.js';
import { FeatureOverridesService } from './feature-overrides.service.js';
import { TenantFeaturesController } from './tenant-features.controller.js';
import { TenantFeaturesRepository } from './tenant-features.repository.js';
import { TenantSegmentsRepository } from './tenant-segments.repository.js';

@Module({
  imports: [TenantsModule],
  controllers: [FeaturesController, TenantFeaturesController, SegmentsController, FeatureEventsController, OfrepController],
  providers: [
    FeaturesRepository,
    TenantFeaturesRepository,
    TenantSegmentsRepository,
    FeaturesService,
    SegmentsService,
    FeaturesTenantLifecycle,
    FeatureEventsService,
    OfrepService,
    StreamTickets,
    FeatureOverridesService,
  ],
  exports: [FeaturesService, SegmentsService, FeatureEventsService],
})
export class FeaturesModule {}
