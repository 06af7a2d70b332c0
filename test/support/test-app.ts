import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import * as oauth from 'openid-client';
import { createApp, type TenantryApp } from '../../src/app.factory.js';
import { loadConfig, type AppConfig } from '../../src/config/app-config.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export const TEST_SECRET_KEY = 'test-secret-key-that-is-long-enough-0123456789';

export interface TestApp {
  app: TenantryApp;
  config: AppConfig;
  database: TestDatabase;
  /** PUBLIC_URL: the issuer and audience are derived from it. */
  baseUrl: string;
  /** Where this instance listens (differs from baseUrl for a second instance behind one PUBLIC_URL). */
  url: string;
  /** Every JSON log line the app wrote. */
  logs: string[];
  close(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Boots the real app (createApp, as main.ts does) on its own database and a free port. */
export async function startTestApp(env: Record<string, string> = {}, database?: TestDatabase): Promise<TestApp> {
  const ownDatabase = database ?? (await createTestDatabase());
  const port = await freePort();
  const config = loadConfig({
    ...ownDatabase.env,
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    SECRET_KEY: TEST_SECRET_KEY,
    LOG_LEVEL: 'info',
    DATABASE_POOL_SIZE: '5',
    ...env,
  });
  const logs: string[] = [];
  const logDestination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      callback();
    },
  });
  const app = await createApp(config, { logDestination });
  await app.listen({ port, host: '127.0.0.1' });
  return {
    app,
    config,
    database: ownDatabase,
    baseUrl: config.server.publicUrl,
    url: `http://127.0.0.1:${port}`,
    logs,
    async close() {
      await app.close();
      if (!database) await ownDatabase.drop();
    },
  };
}

/** An openid-client Configuration for a confidential client of the test app. */
export function discoverClient(testApp: TestApp, clientId: string, clientSecret: string): Promise<oauth.Configuration> {
  return oauth.discovery(new URL(testApp.config.server.issuer), clientId, undefined, oauth.ClientSecretBasic(clientSecret), {
    execute: [oauth.allowInsecureRequests],
  });
}
