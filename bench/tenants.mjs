// `npm run bench:tenants [-- --tenants N --concurrency C --cold-samples S --pooled-share F]`
//
// Tenancy at scale on this machine: starts Tenantry (dist/main.js) on a fresh
// database, creates N tenants through the API (mixed placements), reads the
// features of every one, restarts it to compare a tenant's first read with a
// warm one, then applies one new tenant migration to every schema with the
// same code `cli migrate` runs. Prints each figure beside its target.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadMigrations } from '../dist/infra/database/migrator.js';
import { tenantMigrationsDirectory } from '../dist/infra/project-paths.js';
import { migrateTenantSchemas, schemasBehind } from '../dist/tenants/tenant-schema-migrator.js';
import { freePort, median, percentile, platformClient, provisionDatabase, serverExecArgv, waitForHttp } from './support.mjs';

const { values } = parseArgs({
  options: {
    tenants: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '4' },
    'cold-samples': { type: 'string', default: '500' },
    'pooled-share': { type: 'string', default: '0.5' },
    'keep-database': { type: 'boolean', default: false },
  },
});
const tenantCount = Number(values.tenants);
const concurrency = Number(values.concurrency);
const coldSamples = Math.min(Number(values['cold-samples']), tenantCount);
const pooledShare = Number(values['pooled-share']);
const FEATURES = 10;

if (!process.env.DATABASE_URL) {
  console.error('bench:tenants needs DATABASE_URL (a PostgreSQL server): 10,000 schemas are not a job for the embedded database.');
  process.exit(2);
}

let server;
process.on('exit', () => server?.kill('SIGKILL'));

async function startServer(env) {
  server = fork('dist/main.js', [], {
    env: { ...process.env, ...env },
    execArgv: serverExecArgv(),
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  await waitForHttp(`http://127.0.0.1:${env.PORT}/health/ready`, 600_000);
}

async function stopServer() {
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM');
  await exited;
}

function rssMegabytes(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('VmRSS:'));
  return Number(line.split(/\s+/)[1]) / 1024;
}

/** Runs work(i) for i in [0, count) with `limit` at a time; returns each duration in ms. */
async function timedPool(count, limit, work) {
  const durations = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const started = performance.now();
      await work(index);
      durations[index] = performance.now() - started;
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return durations;
}

const slugOf = (index) => `t${String(index).padStart(5, '0')}`;
const placementOf = (index) => (index < tenantCount * pooledShare ? 'pooled' : 'isolated');
const format = (ms) => (ms === undefined ? 'n/a' : `${ms.toFixed(1)} ms`);
const rows = [];
const report = (name, value, target, met) => rows.push({ name, value, target, verdict: met === undefined ? '' : met ? 'met' : 'MISSED' });

async function main() {
  const database = await provisionDatabase();
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env = {
    ...database.env,
    PORT: String(port),
    PUBLIC_URL: baseUrl,
    SECRET_KEY: randomBytes(32).toString('base64url'),
    LOG_LEVEL: 'warn',
    TOKEN_RATE_LIMIT: '0',
  };
  console.log(
    `bench:tenants: ${tenantCount} tenants (${Math.round(pooledShare * 100)}% pooled), ${concurrency} at a time; node ${process.version}; PostgreSQL server`,
  );
  try {
    await startServer(env);
    const { token } = await platformClient(baseUrl, env);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const call = async (method, path, body, expected) => {
      const response = await fetch(`${baseUrl}${path}`, { method, headers, body: body && JSON.stringify(body) });
      await response.arrayBuffer();
      if (response.status !== expected) throw new Error(`${method} ${path}: ${response.status}`);
    };
    for (let index = 0; index < FEATURES; index += 1)
      await call('POST', '/api/v1/features', { key: `flag-${index}`, defaultEnabled: index % 2 === 0 }, 201);

    // Tenants are created in interleaved order, so pooled and isolated creations share the run's conditions.
    const order = Array.from({ length: tenantCount }, (_, index) => (index % 2 ? tenantCount - 1 - (index >> 1) : index >> 1));
    const started = performance.now();
    let done = 0;
    const creation = await timedPool(tenantCount, concurrency, async (position) => {
      const index = order[position];
      await call('POST', '/api/v1/tenants', { slug: slugOf(index), placement: placementOf(index) }, 201);
      if (++done % 1000 === 0) process.stderr.write(`  created ${done}/${tenantCount}\n`);
    });
    const creationSeconds = (performance.now() - started) / 1000;
    report('tenant creation, median per tenant', format(median(creation)), '< 50 ms', median(creation) < 50);
    report('tenant creation, p99 per tenant', format(percentile(creation, 99)), '', undefined);
    const created = (placement) => creation.filter((_, position) => placementOf(order[position]) === placement);
    report('  isolated / pooled median', `${format(median(created('isolated')))} / ${format(median(created('pooled')))}`, '', undefined);
    report('tenant creation, all', `${creationSeconds.toFixed(0)} s (${(tenantCount / creationSeconds).toFixed(0)}/s)`, '', undefined);

    await timedPool(tenantCount, concurrency, (index) => call('GET', `/api/v1/tenants/${slugOf(index)}/features`, undefined, 200));
    const rss = rssMegabytes(server.pid);
    report('server RSS after a feature read of every tenant', `${rss.toFixed(0)} MB`, '< 400 MB', rss < 400);

    // Restart: every tenant is cold again. Warm the token first so only tenant work is timed.
    await stopServer();
    await startServer(env);
    await call('GET', '/api/v1/features', undefined, 200);
    const step = Math.max(1, Math.floor(tenantCount / coldSamples));
    const sample = Array.from({ length: coldSamples }, (_, index) => index * step);
    const readOnce = (index) => call('GET', `/api/v1/tenants/${slugOf(index)}/features`, undefined, 200);
    const cold = await timedPool(sample.length, 1, (position) => readOnce(sample[position]));
    const warm = await timedPool(sample.length, 1, (position) => readOnce(sample[position]));
    const byPlacement = (durations, placement) => durations.filter((_, position) => placementOf(sample[position]) === placement);
    report('first read of a cold tenant, p99', format(percentile(cold, 99)), '< 50 ms', percentile(cold, 99) < 50);
    report(
      '  isolated / pooled p99',
      `${format(percentile(byPlacement(cold, 'isolated'), 99))} / ${format(percentile(byPlacement(cold, 'pooled'), 99))}`,
      '',
      undefined,
    );
    report('read of a warm tenant, p99', format(percentile(warm, 99)), '', undefined);
    report('cold / warm p99', `${(percentile(cold, 99) / percentile(warm, 99)).toFixed(1)}×`, '', undefined);
    await stopServer();

    // One new tenant migration, applied to every schema by the code `cli migrate` runs.
    const migrations = [
      ...loadMigrations(tenantMigrationsDirectory),
      {
        name: '29991231000000_bench_notes',
        sql: 'CREATE TABLE "bench_notes" ("tenant_id" UUID NOT NULL, "body" TEXT NOT NULL)',
        checksum: 'b'.repeat(64),
      },
    ];
    const pool = new pg.Pool({ connectionString: database.env.DATABASE_URL, max: concurrency + 1 });
    // pool.end() resolves while its connections are still closing; the scratch
    // database's DROP ... WITH (FORCE) right after can then kill one, which a pool
    // without a listener turns into an uncaught error after every figure was measured.
    pool.on('error', () => {});
    const behind = await schemasBehind(pool, migrations);
    const summary = await migrateTenantSchemas(pool, behind, migrations, { concurrency });
    await pool.end();
    report(
      `migrate ${summary.total} schemas with one new migration`,
      `${(summary.durationMs / 1000).toFixed(1)} s (${summary.done} migrated, ${summary.failed} failed)`,
      '< 300 s',
      summary.durationMs < 300_000 && summary.failed === 0,
    );
  } finally {
    if (server?.exitCode === null) await stopServer();
    if (values['keep-database']) console.log(`kept the database: ${database.env.DATABASE_URL}`);
    else await database.drop();
  }
  const width = (key) => Math.max(...rows.map((row) => row[key].length));
  for (const row of rows)
    console.log(
      `${row.name.padEnd(width('name'))}  ${row.value.padEnd(width('value'))}  ${row.target.padEnd(width('target'))}  ${row.verdict}`,
    );
}

await main();
