import { Global, Module } from '@nestjs/common';
import { DatabaseConfig } from '../../config/app-config.js';
import { DatabaseService } from './database.service.js';

@Global()
@Module({
  providers: [
    {
      provide: DatabaseService,
      inject: [DatabaseConfig],
      useFactory: (config: DatabaseConfig) => DatabaseService.connect(config),
    },
  ],
  exports: [DatabaseService],
})
export class DatabaseModule {}
