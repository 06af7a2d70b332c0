import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { drainApp } from '../../src/app.factory.js';
import { FeaturesService } from '../../src/features/features.service.js';
import { Draining } from '../../src/infra/http/draining.js';
import { projectRoot } from '../../src/infra/project-paths.js';
import { ClientsService } from '../../src/oidc/clients.service.js';
import { TenantsService } from '../../src/tenants/tenants.service.js';
import { clientWithToken } from '../support/api.js';
import { EventStreamClient } from '../support/event-stream.js';
import { freePort, startTestApp, TEST_SECRET_KEY } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const CONNECTIONS = 50;
const DEADLINE_SECONDS = 15;

interface Worker {
  answered: number;
  answeredAfterSignal: number;
  closedByServer: number;
  /** Requests written whose connection ended before a whole answer came back. */
  lost: number;
}

/**
 * One keep-alive client: writes a request, reads the whole answer, and
 * writes the next at once on the same connection, until the server says
 * Connection: close; then it connects again, until connecting is refused.
 * Raw sockets, so nothing between the test and the server retries.
 */
async function keepSending(port: number, worker: Worker, signalled: () => boolean): Promise<void> {
  for (;;) {
    let socket: Socket;
    try {
      socket = await new Promise<Socket>((resolve, reject) => {
        const opened = connect(port, '127.0.0.1', () => resolve(opened));
        opened.once('error', reject);
      });
    } catch {
      return; // refused: the server no longer accepts connections, nothing was sent
    }
    const closed = await new Promise<boolean>((resolve) => {
      let buffer = '';
      let awaiting = false;
      const send = (): void => {
        awaiting = true;
        socket.write('GET /health/live HTTP/1.1\r\nHost: tenantry\r\n\r\n');
      };
      socket.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('latin1');
        const end = buffer.indexOf('\r\n\r\n');
        if (end === -1) return;
        const head = buffer.slice(0, end);
        const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (buffer.length < end + 4 + length) return;
        buffer = buffer.slice(end + 4 + length);
        awaiting = false;
        worker.answered += 1;
        if (signalled()) worker.answeredAfterSignal += 1;
        if (/^connection: close$/im.test(head)) {
          worker.closedByServer += 1;
          socket.end();
          return resolve(true);
        }
        send();
      });
      socket.on('error', () => undefined);
      socket.on('close', () => {
        if (awaiting) worker.lost += 1;
        resolve(false);
      });
      send();
    });
    if (!closed) return;
  }
}

describe('a stop (SIGTERM) under load', () => {
  let database: TestDatabase;
  let server: ChildProcess | undefined;

  beforeAll(() => {
    const build = spawnSync(process.execPath, [join(projectRoot, 'scripts', 'ensure-build.mjs')], { cwd: projectRoot, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`build failed: ${build.stderr}`);
  });

  afterAll(async () => {
    server?.kill('SIGKILL');
    await database?.drop();
  });

  it('answers every request that reached it, closes the connections, and exits 0 before its deadline', async () => {
    database = await createTestDatabase();
    const port = await freePort();
    const startScript: string = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')).scripts.start;
    const flags = startScript.split(/\s+/).filter((word) => word.startsWith('--'));
    server = spawn(process.execPath, [...flags, 'dist/main.js'], {
      cwd: projectRoot,
      env: {
        ...process.env,
        ...database.env,
        PORT: String(port),
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        SECRET_KEY: TEST_SECRET_KEY,
        LOG_LEVEL: 'warn',
        SHUTDOWN_TIMEOUT: String(DEADLINE_SECONDS),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => server!.once('exit', (code) => resolve(code)));
    for (let attempt = 0; ; attempt += 1) {
      const ready = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
        (response) => response.ok,
        () => false,
      );
      if (ready) break;
      if (attempt > 300) throw new Error('the server did not become ready');
      await sleep(100);
    }

    let signalled = false;
    const workers: Worker[] = Array.from({ length: CONNECTIONS }, () => ({
      answered: 0,
      answeredAfterSignal: 0,
      closedByServer: 0,
      lost: 0,
    }));
    const sending = Promise.all(workers.map((worker) => keepSending(port, worker, () => signalled)));
    await sleep(1_000);
    const signalledAt = Date.now();
    signalled = true;
    server.kill('SIGTERM');
    const code = await exited;
    const tookMs = Date.now() - signalledAt;
    await sending;

    const total = (key: keyof Worker): number => workers.reduce((sum, worker) => sum + worker[key], 0);
    expect(code).toBe(0);
    expect(tookMs).toBeLessThan(DEADLINE_SECONDS * 1000);
    expect(total('lost')).toBe(0);
    // The stop really happened under load: answers went on after the signal, each connection was closed by an answer.
    expect(total('answeredAfterSignal')).toBeGreaterThanOrEqual(CONNECTIONS);
    expect(total('closedByServer')).toBeGreaterThanOrEqual(CONNECTIONS);
  });
});

describe('draining, in the process', () => {
  it('ends change streams with where to resume and when to reconnect, and reports not ready', async () => {
    const testApp = await startTestApp();
    try {
      await testApp.app.get(TenantsService).create({ slug: 'acme' });
      await testApp.app.get(FeaturesService).createFeature({ key: 'beta' });
      const { token } = await clientWithToken(testApp, testApp.app.get(ClientsService), { tenantSlug: 'acme', scopes: ['features:read'] });
      const stream = await EventStreamClient.open(`${testApp.url}/api/v1/me/feature-events`, token);
      expect(stream.status).toBe(200);
      testApp.app.get(Draining).begin();
      expect((await fetch(`${testApp.url}/health/ready`)).status).toBe(503);
      const draining = drainApp(testApp.app);
      expect(await stream.ended()).toEqual(expect.objectContaining({ retry: '1000', id: expect.stringMatching(/^\d+$/) }));
      await draining;
      expect(stream.pending).toBe(0);
    } finally {
      await testApp.close();
    }
  });
});
