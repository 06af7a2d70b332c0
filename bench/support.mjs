// Helpers the benchmark scripts share.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export const median = (numbers) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)];

/** The p-th percentile (0-100) by nearest rank. */
export function percentile(numbers, p) {
  const sorted = [...numbers].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export async function waitForHttp(url, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not come up`);
}

export async function provisionDatabase() {
  if (!process.env.DATABASE_URL) {
    const dataDir = mkdtempSync(join(tmpdir(), 'tenantry-bench-'));
    return { env: { DATA_DIR: dataDir }, label: 'embedded PGlite', drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const name = `tenantry_bench_${randomBytes(4).toString('hex')}`;
  const admin = new URL(process.env.DATABASE_URL);
  const url = new URL(admin.href);
  url.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: admin.href });
  await client.connect();
  await client.query(`CREATE DATABASE "${name}"`);
  await client.end();
  return {
    env: { DATABASE_URL: url.href },
    label: 'PostgreSQL server (DATABASE_URL)',
    drop: async () => {
      const dropper = new pg.Client({ connectionString: admin.href });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await dropper.end();
    },
  };
}

export function cli(env, ...args) {
  const result = spawnSync(process.execPath, ['dist/cli.js', ...args, '--json'], { env: { ...process.env, ...env }, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`cli ${args.join(' ')}: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

/** Registers a client with the CLI (a platform one unless a tenant is named) and returns its Basic header and an access token. */
export async function platformClient(baseUrl, env, scope = 'features:read features:write tenants:read tenants:write', tenant) {
  const admin = cli(
    env,
    'clients:create',
    '--name',
    'bench client',
    '--grant',
    'client_credentials',
    '--scope',
    scope,
    ...(tenant ? ['--tenant', tenant] : []),
  );
  const basic = `Basic ${Buffer.from(`${admin.clientId}:${admin.clientSecret}`).toString('base64')}`;
  const response = await fetch(`${baseUrl}/oidc/token`, {
    method: 'POST',
    headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope }).toString(),
  }).then((answer) => answer.json());
  return { basic, token: response.access_token };
}

/** The Node flags `npm start` runs the server with (package.json), so benchmarks measure what production runs. */
export function serverExecArgv() {
  const start = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).scripts.start;
  return start.split(/\s+/).filter((word) => word.startsWith('--'));
}
