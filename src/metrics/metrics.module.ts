import { DynamicModule, Module } from '@nestjs/common';
import type { MetricsConfig } from '../config/app-config.js';
import { FeaturesModule } from '../features/features.module.js';
import { OidcModule } from '../oidc/oidc.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { MetricsTokenGuard } from './metrics-token.guard.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';
import { RegistrySnapshots } from './registry-snapshot.js';

/** `/metrics` for Prometheus. Without METRICS_TOKEN the module is empty: no route (404), no hook, no listener, no cost. */
@Module({})
export class MetricsModule {
  static forRoot(config: MetricsConfig): DynamicModule {
    if (!config.enabled) return { module: MetricsModule };
    return {
      module: MetricsModule,
      imports: [TenantsModule, OidcModule, FeaturesModule],
      controllers: [MetricsController],
      providers: [MetricsService, MetricsTokenGuard, RegistrySnapshots],
    };
  }
}
