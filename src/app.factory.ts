import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module.js';
import type { AppConfig } from './config/app-config.js';
import { ChangeBus } from './infra/database/change-bus.service.js';
import { DatabaseService } from './infra/database/database.service.js';
import { routeRequests } from './infra/http/request-router.js';
import { setupSwagger } from './infra/http/swagger.js';
import { createRootLogger, PinoNestLogger } from './infra/logging/logger.js';
import { createRequestLogger } from './infra/logging/request-logging.js';
import { FeatureReadFastPath } from './features/feature-read.fast-path.js';
import { responseEntityTag } from './infra/http/entity-tag.js';
import { MaintenanceService } from './oidc/maintenance.service.js';
import { OidcService } from './oidc/oidc.service.js';
import { TokenRateLimiter } from './infra/http/token-rate-limiter.js';
import { TenantMigrationsService } from './tenants/tenant-migrations.service.js';
import { TenantMoveService } from './tenants/tenant-move.service.js';
import { TenantRemovalService } from './tenants/tenant-removal.service.js';

/**
 * Builds the whole app, ready to listen: used by main.ts and by the e2e tests,
 * so tests run exactly what production runs.
 */
export interface CreateAppOptions {
  /** Where JSON logs go (stdout by default); tests capture them. */
  logDestination?: DestinationStream;
}

export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<NestExpressApplication> {
  const rootLogger = createRootLogger(config.logLevel, options.logDestination);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    logger: new PinoNestLogger(rootLogger),
  });
  const express = app.getHttpAdapter().getInstance();
  express.disable('x-powered-by');
  // One ETag function for Express and the fast read path (see responseEntityTag).
  express.set('etag', (body: string | Buffer) => responseEntityTag(body));
  app.set('trust proxy', config.server.trustProxy);

  const database = app.get(DatabaseService);
  await database.migrateControlPlane();
  // A tenant schema that fails to migrate is logged and left behind; the
  // other tenants, and the service, go on (see TenantMigrationsService).
  await app.get(TenantMigrationsService).migrateAll();
  database.markMigrated();
  await app.get(TenantRemovalService).finishInterrupted();
  await app.get(TenantMoveService).finishInterrupted();
  await app.get(ChangeBus).listen();

  const oidc = app.get(OidcService);
  await oidc.start();
  routeRequests(
    app.getHttpServer(),
    createRequestLogger(rootLogger),
    oidc.handle,
    new TokenRateLimiter(config.operations.tokenRateLimitPerMinute),
    app.get(FeatureReadFastPath),
  );
  app.get(MaintenanceService).start();

  setupSwagger(app, config.server);
  await app.init();
  return app;
}
