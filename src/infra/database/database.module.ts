import { Global, Module } from '@nestjs/common';
import { DatabaseConfig } from '../../config/app-config.js';
import { ChangeBus } from './change-bus.service.js';
import { DatabaseService } from './database.service.js';

@Global()
@Module({
  providers: [
    {
      provide: DatabaseService,
      inject: [DatabaseConfig],
      useFactory: (config: DatabaseConfig) => DatabaseService.connect(config),
    },
    ChangeBus,
  ],
  exports: [DatabaseService, ChangeBus],
})
export class DatabaseModule {}
