import { Logger } from '@nestjs/common';
import { createApp, drainApp, type TenantryApp } from './app.factory.js';
import { ConfigError, loadConfig } from './config/app-config.js';

function fail(error: unknown): never {
  const message =
    error instanceof ConfigError
      ? `configuration error: ${error.message}`
      : error instanceof Error
        ? (error.stack ?? error.message)
        : String(error);
  process.stderr.write(`tenantry failed to start: ${message}\n`);
  process.exit(1);
}

async function bootstrap(): Promise<void> {
  const logger = new Logger('Tenantry');
  const config = loadConfig();
  const deadlineMs = config.server.shutdownTimeoutSeconds * 1000;
  let app: TenantryApp | undefined;
  let listening = false;
  let stopping = false;
  let starting: Promise<void> = Promise.resolve();
  // Installed before anything starts, so a SIGTERM during migrations still
  // closes the database (the embedded one must not be cut off mid-write).
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.log(
      `${signal}: answering in-flight requests, closing connections, then the database (at most ${config.server.shutdownTimeoutSeconds} s)`,
    );
    setTimeout(() => {
      logger.error(`shutdown took longer than ${config.server.shutdownTimeoutSeconds} s; exiting`);
      process.exit(1);
    }, deadlineMs).unref();
    try {
      await starting;
      if (app && listening) await drainApp(app);
      await app?.close();
      logger.log('stopped');
      process.exit(0);
    } catch (error) {
      logger.error(`shutdown failed: ${(error as Error).message}`);
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));

  starting = createApp(config).then((created) => {
    app = created;
  });
  await starting;
  if (stopping || !app) return;
  if (config.security.secretKeyGenerated) {
    logger.warn(`no SECRET_KEY set: generated a development key into ${config.database.dataDir}/secret-key`);
  }
  await app.listen({ port: config.server.port, host: '0.0.0.0' });
  listening = true;
  logger.log(`listening on port ${config.server.port}; issuer ${config.server.issuer}; API docs ${config.server.publicUrl}/docs`);
}

bootstrap().catch(fail);
