import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { DatabaseConfig } from '../../config/app-config.js';
import { PrismaClient as ControlPrismaClient } from '../../generated/control/client.js';
import { controlMigrationsDirectory } from '../project-paths.js';
import { EMBEDDED_POOL_MAX, startEmbeddedPostgres, type EmbeddedDatabase, type EmbeddedOptions } from './embedded-postgres.js';
import { loadMigrations, migrateSchema } from './migrator.js';
import { CONTROL_SCHEMA } from './schema-names.js';

export type { ControlPrismaClient };

/**
 * Owns the one `pg.Pool` every Prisma client shares (control plane and each
 * tenant), and the embedded PostgreSQL when no DATABASE_URL is configured.
 */
@Injectable()
export class DatabaseService implements OnApplicationShutdown {
  private readonly logger = new Logger(DatabaseService.name);
  private migrationsApplied = false;

  private constructor(
    readonly pool: pg.Pool,
    readonly control: ControlPrismaClient,
    /** How to open a connection outside the pool (LISTEN needs its own). */
    readonly connectionConfig: pg.ClientConfig,
    private readonly embeddedDatabase: EmbeddedDatabase | undefined,
  ) {}

  get embedded(): boolean {
    return this.embeddedDatabase !== undefined;
  }

  static async connect(config: DatabaseConfig, embeddedOptions: EmbeddedOptions): Promise<DatabaseService> {
    const logger = new Logger(DatabaseService.name);
    let embedded: EmbeddedDatabase | undefined;
    let connection: pg.PoolConfig;
    if (config.url) {
      connection = { connectionString: config.url };
    } else {
      embedded = await startEmbeddedPostgres(config.dataDir, embeddedOptions);
      connection = embedded.connection;
      logger.log(
        embedded.owned
          ? `no DATABASE_URL set: started the embedded PostgreSQL (PGlite) with its data in ${config.dataDir}`
          : `no DATABASE_URL set: joined the embedded PostgreSQL already serving ${config.dataDir}`,
      );
    }
    const max = embedded ? Math.min(config.poolSize, EMBEDDED_POOL_MAX) : config.poolSize;
    const pool = new pg.Pool({ ...connection, max, application_name: 'tenantry' });
    // Each Prisma client adds an error listener to the shared pool.
    pool.setMaxListeners(0);
    pool.on('error', (error) => logger.error(`idle database connection failed: ${error.message}`));
    const control = new ControlPrismaClient({ adapter: new PrismaPg(pool, { schema: CONTROL_SCHEMA }) });
    return new DatabaseService(pool, control, { ...connection, application_name: 'tenantry-listener' }, embedded);
  }

  /** True once the control plane and every tenant are migrated (readiness). */
  get migrated(): boolean {
    return this.migrationsApplied;
  }

  markMigrated(): void {
    this.migrationsApplied = true;
  }

  async migrateControlPlane(): Promise<string[]> {
    const result = await migrateSchema(this.pool, CONTROL_SCHEMA, loadMigrations(controlMigrationsDirectory));
    if (result.applied.length > 0) this.logger.log(`control plane: applied ${result.applied.join(', ')}`);
    return result.applied;
  }

  async ping(): Promise<boolean> {
    try {
      await this.pool.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.control.$disconnect();
    await this.pool.end();
    await this.embeddedDatabase?.stop();
  }
}
