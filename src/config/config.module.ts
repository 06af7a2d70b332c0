import { DynamicModule, Global, Module } from '@nestjs/common';
import {
  AppConfig,
  DatabaseConfig,
  MetricsConfig,
  OperationsConfig,
  SecurityConfig,
  ServerConfig,
  TenancyConfig,
  TokenConfig,
} from './app-config.js';

/** Provides the validated configuration and each of its concerns as injectable classes. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: AppConfig, useValue: config },
        { provide: ServerConfig, useValue: config.server },
        { provide: DatabaseConfig, useValue: config.database },
        { provide: SecurityConfig, useValue: config.security },
        { provide: TokenConfig, useValue: config.tokens },
        { provide: OperationsConfig, useValue: config.operations },
        { provide: TenancyConfig, useValue: config.tenancy },
        { provide: MetricsConfig, useValue: config.metrics },
      ],
      exports: [AppConfig, ServerConfig, DatabaseConfig, SecurityConfig, TokenConfig, OperationsConfig, TenancyConfig, MetricsConfig],
    };
  }
}
