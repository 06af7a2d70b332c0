import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module.js';
import type { AppConfig } from './config/app-config.js';
import { ChangeBus } from './infra/database/change-bus.service.js';
import { DatabaseService } from './infra/database/database.service.js';
import type { Server } from 'node:http';
import { answerTaggedBodies } from './infra/http/conditional-read.js';
import { answerCrossOrigin } from './infra/http/cors.js';
import { Draining } from './infra/http/draining.js';
import { drainConnections, trackConnections } from './infra/http/graceful-shutdown.js';
import { frameworkErrorHandler, refuseUnreadableUrls } from './infra/http/refused-request.js';
import { boundedFormParser, boundedJsonParser } from './infra/http/request-body.js';
import { createRootLogger, PinoNestLogger } from './infra/logging/logger.js';
import { createRequestLogger } from './infra/logging/request-logging.js';
import { ConsoleClient } from './oidc/console-client.js';
import { MaintenanceService } from './oidc/maintenance.service.js';
import { mountAuthorizationServer } from './oidc/oidc-mount.js';
import { OIDC_MOUNT_PATH, OidcService } from './oidc/oidc.service.js';
import { WebOriginsService } from './oidc/web-origins.service.js';
import { setupOpenApi } from './openapi.js';
import { TenantMigrationsService } from './tenants/tenant-migrations.service.js';
import { TenantMoveService } from './tenants/tenant-move.service.js';
import { TenantRemovalService } from './tenants/tenant-removal.service.js';

// What browser apps on other origins may call here (CORS); /oidc answers for itself.
const CROSS_ORIGIN_PATHS = /^\/(ofrep\/v1\/|api\/v1\/me\/)/;
// API bodies are small JSON documents; the provider applies its own limit under /oidc.
const BODY_LIMIT_BYTES = 64 * 1024;

export type TenantryApp = NestFastifyApplication;

const drains = new WeakMap<TenantryApp, () => Promise<void>>();

/** Stops an app made by createApp without losing a request (see drainConnections); then close it. */
export function drainApp(app: TenantryApp): Promise<void> {
  const drain = drains.get(app);
  if (!drain) throw new Error('not an app made by createApp');
  return drain();
}

export interface CreateAppOptions {
  /** Where JSON logs go (stdout by default); tests capture them. */
  logDestination?: DestinationStream;
}

/**
 * Builds the whole app, ready to listen: used by main.ts and by the e2e tests,
 * so tests run exactly what production runs. One HTTP pipeline, Nest on
 * Fastify, with oidc-provider mounted at /oidc as a hijacked catch-all
 * route in a scope without body parsers (see mountAuthorizationServer).
 */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<TenantryApp> {
  const rootLogger = createRootLogger(config.logLevel, options.logDestination);
  const adapter = new FastifyAdapter({
    trustProxy: config.server.trustProxy,
    bodyLimit: BODY_LIMIT_BYTES,
    frameworkErrors: frameworkErrorHandler(OIDC_MOUNT_PATH),
  });
  const draining = new Draining();
  adapter.setOnRequestHook(createRequestLogger(rootLogger, OIDC_MOUNT_PATH, draining));
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, draining), adapter, {
    logger: new PinoNestLogger(rootLogger),
  });
  const fastify = app.getHttpAdapter().getInstance();
  app.useBodyParser('application/json', { bodyLimit: BODY_LIMIT_BYTES }, boundedJsonParser(fastify));
  app.useBodyParser('application/x-www-form-urlencoded', { bodyLimit: BODY_LIMIT_BYTES }, boundedFormParser());
  refuseUnreadableUrls(fastify, OIDC_MOUNT_PATH);
  answerTaggedBodies(fastify);
  // Browser apps on their own origins call OFREP, the token's own API and the change streams;
  // the authorization server under /oidc answers its own CORS (clientBasedCORS).
  const webOrigins = app.get(WebOriginsService);
  answerCrossOrigin(fastify, { crossOrigin: (path) => CROSS_ORIGIN_PATHS.test(path), allows: (origin) => webOrigins.isRegistered(origin) });

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
  await app.get(ConsoleClient).ensure();
  mountAuthorizationServer(fastify, OIDC_MOUNT_PATH, oidc.handle);
  app.get(MaintenanceService).start();

  setupOpenApi(app, config.server);
  await app.init();
  const connections = trackConnections(app.getHttpServer() as Server);
  drains.set(app, () => drainConnections(app.getHttpServer() as Server, connections, draining));
  return app;
}
