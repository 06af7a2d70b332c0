import { DynamicModule, Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { AppConfig } from '../config/app-config.js';
import { ConfigModule } from '../config/config.module.js';
import { FeaturesModule } from '../features/features.module.js';
import { DatabaseModule } from '../infra/database/database.module.js';
import { DrainingModule } from '../infra/http/draining.js';
import { RateLimitModule } from '../infra/rate-limit/rate-limit.module.js';
import { OperatorsModule } from '../operators/operators.module.js';
import { OidcModule } from '../oidc/oidc.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { UsersModule } from '../users/users.module.js';

/**
 * What operator commands need: the database and the services, no HTTP. Every
 * module that keeps rows per tenant is here, so a tenant created or deleted by
 * the CLI is announced to the same participants as one made through the API.
 */
@Module({})
export class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [
        ConfigModule.forRoot(config),
        DrainingModule.forRoot(),
        DatabaseModule.forRoot({ joinRunning: true }),
        RateLimitModule,
        TenantsModule,
        UsersModule,
        OperatorsModule,
        OidcModule,
        AuthModule.withoutHttp(OidcModule),
        FeaturesModule,
        ApiKeysModule,
      ],
    };
  }
}
