import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { ConfigModule } from '../config/config.module.js';
import { DatabaseModule } from '../infra/database/database.module.js';
import { OidcModule } from '../oidc/oidc.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';

/** What operator commands need: the database and the services, no HTTP. */
@Module({})
export class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: CliModule, imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot({ joinRunning: true }), TenantsModule, OidcModule] };
  }
}
