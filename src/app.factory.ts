import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module.js';
import type { AppConfig } from './config/app-config.js';
import { ChangeBus } from './infra/database/change-bus.service.js';
import { DatabaseService } from './infra/database/database.service.js';
import { answerTaggedBodies } from './infra/http/conditional-read.js';
import { frameworkErrorHandler, refuseUnreadableUrls } from './infra/http/refused-request.js';
import { boundedFormParser, boundedJsonParser } from './infra/http/request-body.js';
import { createRootLogger, PinoNestLogger } from './infra/logging/logger.js';
import { createRequestLogger } from './infra/logging/request-logging.js';
import { MaintenanceService } from './oidc/maintenance.service.js';
import { OidcService } from './oidc/oidc.service.js';
import { setupOpenApi } from './openapi.js';
import { TenantMigrationsService } from './tenants/tenant-migrations.service.js';
import { TenantMoveService } from './tenants/tenant-move.service.js';
import { TenantRemovalService } from './tenants/tenant-removal.service.js';

/** Where the authorization server is mounted; the issuer is `${PUBLIC_URL}/oidc`. */
export const OIDC_MOUNT_PATH = '/oidc';
// API bodies are small JSON documents; the provider applies its own limit under /oidc.
const BODY_LIMIT_BYTES = 64 * 1024;

export interface CreateAppOptions {
  /** Where JSON logs go (stdout by default); tests capture them. */
  logDestination?: DestinationStream;
}

/**
 * Builds the whole app, ready to listen: used by main.ts and by the e2e tests,
 * so tests run exactly what production runs. One HTTP pipeline, Nest on
 * Fastify, with oidc-provider mounted at /oidc the way its documentation
 * shows for Fastify (middie, before any body parser).
 */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  const rootLogger = createRootLogger(config.logLevel, options.logDestination);
  const adapter = new FastifyAdapter({
    trustProxy: config.server.trustProxy,
    bodyLimit: BODY_LIMIT_BYTES,
    frameworkErrors: frameworkErrorHandler(OIDC_MOUNT_PATH),
  });
  adapter.setOnRequestHook(createRequestLogger(rootLogger, OIDC_MOUNT_PATH));
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: new PinoNestLogger(rootLogger),
  });
  const fastify = app.getHttpAdapter().getInstance();
  app.useBodyParser('application/json', { bodyLimit: BODY_LIMIT_BYTES }, boundedJsonParser(fastify));
  app.useBodyParser('application/x-www-form-urlencoded', { bodyLimit: BODY_LIMIT_BYTES }, boundedFormParser());
  refuseUnreadableUrls(fastify, OIDC_MOUNT_PATH);
  answerTaggedBodies(fastify);

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
  app.use(OIDC_MOUNT_PATH, oidc.handle);
  app.get(MaintenanceService).start();

  setupOpenApi(app, config.server);
  await app.init();
  return app;
}
