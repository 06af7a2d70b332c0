import { DynamicModule, Global, Module } from '@nestjs/common';
import { DatabaseConfig } from '../../config/app-config.js';
import { Caches } from '../cache/caches.js';
import { ChangeBus } from './change-bus.service.js';
import { DatabaseService } from './database.service.js';
import type { EmbeddedOptions } from './embedded-postgres.js';

@Global()
@Module({})
export class DatabaseModule {
  /** The server owns the embedded database; the CLI joins a running one. */
  static forRoot(embedded: EmbeddedOptions): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: DatabaseService,
          inject: [DatabaseConfig],
          useFactory: (config: DatabaseConfig) => DatabaseService.connect(config, embedded),
        },
        ChangeBus,
        Caches,
      ],
      exports: [DatabaseService, ChangeBus, Caches],
    };
  }
}
