import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { DatabaseConfig } from '../../config/app-config.js';
import { PrismaClient as ControlPrismaClient } from '../../generated/control/client.js';
import { controlMigrationsDirectory } from '../project-paths.js';
import { EMBEDDED_POOL_MAX, startEmbeddedPostgres, type EmbeddedDatabase, type EmbeddedOptions } from './embedded-postgres.js';
import { loadMigrations, migrateSchema } from './migrator.js';
import { repeatedStatementNames } from './prepared-statements.js';
import { CONTROL_SCHEMA } from './schema-names.js';

export type { ControlPrismaClient };

/**
 * What every Prisma client here is built with, whatever NODE_ENV says.
 * Outside NODE_ENV=production Prisma's default ('colorless') names the
 * caller's source line in an error's message, so it captures a stack trace
 * on every query, failing or not: a raw query cost 70 µs of CPU with it and
 * 60 µs without, measured here. Errors keep their code and the database's
 * message, and the container ran this already (NODE_ENV=production).
 */
export const PRISMA_CLIENT_OPTIONS = { errorFormat: 'minimal' } as const;

// While a server database is unreachable, requests fail within this long (a
// 503) instead of waiting for a connection that may never come. It bounds the
// wait for a free pooled connection too, and is shorter than a transaction's
// maxWait where one is set (10 s for tenant data), so that wait ends as a 503 too.
const CONNECT_TIMEOUT_MS = 5_000;
// Readiness answers within this long, whatever the database does.
const PING_TIMEOUT_MS = 2_000;

function ignoreReportedElsewhere(): void {}

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
      connection = { connectionString: config.url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS };
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
    // pg-pool listens for errors only on idle clients. A checked-out client
    // whose connection the server ends (a restart) between two queries, or
    // before a promise-based caller (a transaction) has attached its own
    // listener, would emit an unhandled 'error' and stop the process. The
    // caller's next query fails with the error anyway, and the pool drops
    // the dead client when it comes back.
    pool.on('connect', (client) => client.on('error', ignoreReportedElsewhere));
    // Named statements are per session, and the embedded server runs every
    // pooled connection in PGlite's one session, where two connections would
    // prepare the same name. Isolated tenants' clients send texts that name
    // their own schema, so only the control plane's client prepares.
    const statementNameGenerator = !embedded && config.preparedStatements ? repeatedStatementNames('tenantry_') : undefined;
    const control = new ControlPrismaClient({
      ...PRISMA_CLIENT_OPTIONS,
      adapter: new PrismaPg(pool, { schema: CONTROL_SCHEMA, statementNameGenerator }),
    });
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

  /** Whether the database answers now; false after `timeoutMs` at most (a hung connection is no answer). */
  async ping(timeoutMs = PING_TIMEOUT_MS): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const answered = this.pool.query('SELECT 1').then(
      () => true,
      () => false,
    );
    try {
      return await Promise.race([answered, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.control.$disconnect();
    await this.pool.end();
    await this.embeddedDatabase?.stop();
  }
}
