import { Logger } from '@nestjs/common';
import { createApp } from './app.factory.js';
import { ConfigError, loadConfig } from './config/app-config.js';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  const logger = new Logger('Tenantry');
  if (config.security.secretKeyGenerated) {
    logger.warn(`no SECRET_KEY set: generated a development key into ${config.database.dataDir}/secret-key`);
  }
  await app.listen(config.server.port);
  logger.log(`listening on port ${config.server.port}; issuer ${config.server.issuer}; API docs ${config.server.publicUrl}/docs`);

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: finishing in-flight requests, then closing`);
    await app.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

bootstrap().catch((error: unknown) => {
  const message = error instanceof ConfigError ? `configuration error: ${error.message}` : error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`tenantry failed to start: ${message}\n`);
  process.exit(1);
});
