import { Injectable, Logger } from '@nestjs/common';
import { DatabaseConfig, TenancyConfig } from '../config/app-config.js';
import { DatabaseService } from '../infra/database/database.service.js';
import { migrateTenantSchemas, schemasBehind, type SchemaMigrationProgress, type TenantSchemasSummary } from './tenant-schema-migrator.js';
import { TenantsService } from './tenants.service.js';

export interface MigrateAllOptions {
  concurrency?: number;
  onProgress?: (progress: SchemaMigrationProgress) => void;
}

/** Brings every tenant schema (each isolated one and the pool) to the newest tenant migration. */
@Injectable()
export class TenantMigrationsService {
  private readonly logger = new Logger(TenantMigrationsService.name);

  constructor(
    private readonly database: DatabaseService,
    private readonly tenants: TenantsService,
    private readonly tenancy: TenancyConfig,
    private readonly databaseConfig: DatabaseConfig,
  ) {}

  /** The tenant schemas (isolated ones and the pool) not yet at the newest tenant migration. */
  schemasBehind(): Promise<string[]> {
    return schemasBehind(this.database.pool, this.tenants.migrations);
  }

  async migrateAll(options: MigrateAllOptions = {}): Promise<TenantSchemasSummary> {
    const schemas = await this.schemasBehind();
    // Leave a connection for everything else the process does meanwhile.
    const connections = Math.max(1, this.databaseConfig.poolSize - 1);
    const concurrency = Math.min(options.concurrency ?? this.tenancy.migrationConcurrency, connections);
    const summary = await migrateTenantSchemas(this.database.pool, schemas, this.tenants.migrations, {
      concurrency,
      onProgress: options.onProgress,
    });
    for (const failure of summary.failures) this.logger.error(`tenant schema ${failure.schema}: migration failed: ${failure.error}`);
    if (summary.total > 0) {
      this.logger.log(
        `tenant schemas: ${summary.done} migrated, ${summary.skipped} already up to date, ${summary.failed} failed (${summary.durationMs} ms)`,
      );
    }
    return summary;
  }
}
