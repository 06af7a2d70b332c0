import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ApiKeysModule } from './api-keys/api-keys.module.js';
import { AuthModule } from './auth/auth.module.js';
import { AppConfig } from './config/app-config.js';
import { ConsoleModule } from './console/console.module.js';
import { ConfigModule } from './config/config.module.js';
import { FeaturesModule } from './features/features.module.js';
import { HealthModule } from './health/health.module.js';
import { DatabaseModule } from './infra/database/database.module.js';
import { Draining, DrainingModule } from './infra/http/draining.js';
import { ProblemDetailsFilter } from './infra/http/problem-details.filter.js';
import { RateLimitModule } from './infra/rate-limit/rate-limit.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { OperatorsModule } from './operators/operators.module.js';
import { OidcModule } from './oidc/oidc.module.js';
import { TenantsModule } from './tenants/tenants.module.js';
import { UsersModule } from './users/users.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, draining: Draining): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DrainingModule.forRoot(draining),
        DatabaseModule.forRoot({ joinRunning: false }),
        RateLimitModule,
        HealthModule,
        TenantsModule,
        UsersModule,
        OperatorsModule,
        OidcModule,
        AuthModule.forRoot(OidcModule),
        FeaturesModule,
        ApiKeysModule,
        ConsoleModule,
        MetricsModule.forRoot(config.metrics),
      ],
      providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
    };
  }
}
