// `npm run bench [-- --runs N --duration S --warmup S --connections C --scenario a,b,... | --only a,b,...]`
//
// Starts Tenantry (dist/main.js) and bare baselines as separate processes on
// this machine, drives each with autocannon, and prints requests/s, p99 and
// the ratio to the baseline measured in the same run. A node:http baseline
// answers with exactly what Tenantry answered to the same request (status,
// ETag, content type and bytes, fetched from Tenantry first), so the ratio is
// Tenantry's own cost of producing that answer.
//
// This machine's speed wanders: one server under constant load swings between
// about 2,300 and 5,000 req/s from one second to the next, in phases lasting
// a few seconds, and a fresh process needs about 5 s of load before it is
// warm. So each side is first warmed up (--warmup, 10 s), then each run
// alternates one-second slices of target and baseline (--duration slices of
// each, alternating which goes first), so a slow phase hits both sides alike.
// A run's ratio is its target requests over its baseline requests; the ratio
// reported is the median over runs. Where taskset exists, servers share one
// core and the load generator has the other, so they do not compete for CPU.
import { fork, spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { freePort, median, platformClient, provisionDatabase, serverExecArgv, waitForHttp } from './support.mjs';
import { CALLBACK, codeMinter } from './user-flows.mjs';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    runs: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    scenario: { type: 'string', default: 'all' },
    only: { type: 'string' },
    'user-flow-requests': { type: 'string', default: '1000' },
  },
});
const scenarios = values.only ?? values.scenario;
const wanted = (letter) => scenarios === 'all' || scenarios.split(',').includes(letter);
const duration = Number(values.duration);
const runs = Number(values.runs);
const warmup = Number(values.warmup);
const connections = Number(values.connections);

const children = [];
const pinning = cpus().length >= 2 && spawnSync('taskset', ['-V']).status === 0;
if (pinning) spawnSync('taskset', ['-cp', '1', String(process.pid)]);
process.on('exit', () => children.forEach((child) => child.kill('SIGKILL')));

async function startProcess(script, env, args = []) {
  const execArgv = script === 'dist/main.js' ? serverExecArgv() : [];
  const child = fork(script, args, { env: { ...process.env, ...env }, execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  children.push(child);
  if (pinning) spawnSync('taskset', ['-acp', '0', String(child.pid)]);
  return child;
}

/** Sends a message to a baseline process and waits for its answer of `type`. */
function ask(child, message, type) {
  return new Promise((resolve) => {
    const listener = (answer) => {
      if (answer?.type !== type) return;
      child.off('message', listener);
      resolve(answer);
    };
    child.on('message', listener);
    child.send(message);
  });
}

/** What Tenantry answers to this request, as the node:http baseline will replay it. */
async function capture(request) {
  const response = await fetch(request.url, { method: request.method ?? 'GET', headers: request.headers, body: bodyOf(request) });
  const body = Buffer.from(await response.arrayBuffer());
  const headers = {};
  for (const name of ['content-type', 'etag']) if (response.headers.get(name)) headers[name] = response.headers.get(name);
  return { status: response.status, headers, body: body.toString('base64'), length: body.length };
}

function load(options) {
  return new Promise((resolve, reject) => {
    autocannon({ connections, duration, ...options }, (error, result) => {
      if (error) return reject(error);
      // A 304 is the answer a conditional request wants, not a failure.
      const notModified = options.expectNotModified ? (result.statusCodeStats?.['304']?.count ?? 0) : 0;
      const failures = result.errors + result.timeouts + result.non2xx - notModified;
      if (failures > 0) {
        const statuses = Object.entries(result.statusCodeStats ?? {})
          .map(([code, stat]) => `${code}×${stat.count}`)
          .join(' ');
        return reject(
          new Error(`${options.url}: ${failures} failed requests of ${result.requests.total} (${statuses}, errors ${result.errors})`),
        );
      }
      resolve({ rps: result.requests.average, p99: result.latency.p99, requests: result.requests.total, seconds: result.duration });
    });
  });
}

/**
 * One pass over single-use requests (codes, rotating refresh tokens), each
 * sent exactly once by `concurrency` workers. autocannon reuses a built
 * request, which would replay the first code, so this loop does it.
 */
async function once({ url, headers, bodies, concurrency = 20, onBody }) {
  const latencies = [];
  let next = 0;
  let failures = 0;
  let firstFailure;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++];
        const sent = performance.now();
        const response = await fetch(url, { method: 'POST', headers, body });
        const text = await response.text();
        latencies.push(performance.now() - sent);
        if (response.ok) onBody?.(JSON.parse(text));
        else {
          failures += 1;
          firstFailure ??= `${response.status} ${text}`;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  if (failures > 0) throw new Error(`${url}: ${failures} of ${bodies.length} failed; first: ${firstFailure}`);
  latencies.sort((a, b) => a - b);
  return { rps: bodies.length / elapsed, p99: Math.round(latencies[Math.floor(latencies.length * 0.99)]), requests: bodies.length };
}

/** The body of a request as autocannon would send it first (a scenario may build one per request). */
function bodyOf(options) {
  return options.requests?.[0]?.setupRequest ? options.requests[0].setupRequest({}).body : options.body;
}

async function check(options) {
  const response = await fetch(options.url, { method: options.method ?? 'GET', headers: options.headers, body: bodyOf(options) });
  const expected = options.expectNotModified ? response.status === 304 : response.ok;
  if (!expected) throw new Error(`${options.url} answers ${response.status}: ${await response.text()}`);
}

/** Reads Server-Sent Events from a fetch response, calling onEvent with each event's arrival time. */
async function readEvents(url, headers, onEvent) {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { ...headers, accept: 'text/event-stream' }, signal: controller.signal });
  if (response.status !== 200) throw new Error(`${url} answers ${response.status}`);
  (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          if (buffer.slice(0, end).includes('data:')) onEvent(performance.now());
          buffer = buffer.slice(end + 2);
        }
      }
    } catch {
      // closed
    }
  })();
  return () => controller.abort();
}

/** Toggles a flag `count` times; the time from each toggle's request to its event at a subscriber. */
async function toggleToEvent({ baseUrl, bearer, count }) {
  const arrivals = [];
  let waiting;
  const close = await readEvents(`${baseUrl}/api/v1/tenants/acme/feature-events`, { authorization: bearer.authorization }, (at) => {
    arrivals.push(at);
    waiting?.();
  });
  const latencies = [];
  for (let index = 0; index < count; index += 1) {
    const arrived = new Promise((resolve) => (waiting = resolve));
    const sent = performance.now();
    const response = await fetch(`${baseUrl}/api/v1/tenants/acme/features/flag-9/${index % 2 ? 'disable' : 'enable'}`, {
      method: 'POST',
      headers: bearer,
    });
    if (!response.ok) throw new Error(`toggle answers ${response.status}`);
    await Promise.race([arrived, new Promise((_, reject) => setTimeout(() => reject(new Error('no event within 5 s')), 5000))]);
    latencies.push(arrivals.at(-1) - sent);
  }
  close();
  latencies.sort((a, b) => a - b);
  return { p50: latencies[Math.floor(count / 2)], p99: latencies[Math.floor(count * 0.99)], count };
}

async function compare(name, target, baseline, goal) {
  await check(target);
  await check(baseline);
  await load({ ...target, duration: warmup });
  await load({ ...baseline, duration: warmup });
  const measured = { target: [], baseline: [], ratios: [] };
  for (let run = 0; run < runs; run += 1) {
    const slices = { target: [], baseline: [] };
    for (let slice = 0; slice < duration; slice += 1) {
      const targetFirst = (run + slice) % 2 === 0;
      const first = await load({ ...(targetFirst ? target : baseline), duration: 1 });
      const second = await load({ ...(targetFirst ? baseline : target), duration: 1 });
      slices.target.push(targetFirst ? first : second);
      slices.baseline.push(targetFirst ? second : first);
    }
    const combine = (results) => ({
      rps: results.reduce((sum, r) => sum + r.requests, 0) / results.reduce((sum, r) => sum + r.seconds, 0),
      p99: median(results.map((r) => r.p99)),
    });
    const t = combine(slices.target);
    const b = combine(slices.baseline);
    measured.target.push(t);
    measured.baseline.push(b);
    measured.ratios.push(t.rps / b.rps);
  }
  const summary = (results) => ({ rps: median(results.map((r) => r.rps)), p99: median(results.map((r) => r.p99)) });
  return {
    name,
    target: summary(measured.target),
    baseline: summary(measured.baseline),
    ratio: median(measured.ratios),
    spread: [Math.min(...measured.ratios), Math.max(...measured.ratios)],
    goal,
  };
}

const FLAGS = 10;

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
    // Minting the single-use codes of (c) takes longer than the default 60 s lifetime; the baseline's is 600 s too.
    AUTHORIZATION_CODE_TTL: '600',
  };
  console.log(
    `Tenantry benchmark: ${connections} connections, ${warmup} s warm-up per side, then ${runs} runs of ${duration} alternating one-second slices per side, medians; database: ${database.label}; ` +
      `node ${process.version}; ${pinning ? 'servers on core 0, load generator on core 1' : 'no CPU pinning (taskset unavailable)'}`,
  );

  await startProcess('dist/main.js', env);
  await waitForHttp(`${baseUrl}/health/ready`);
  const { basic, token } = await platformClient(baseUrl, env, 'features:read features:write tenants:write');
  const bearer = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const call = async (method, path, body) => {
    const response = await fetch(`${baseUrl}${path}`, { method, headers: bearer, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`${method} ${path} answers ${response.status}: ${await response.text()}`);
  };
  // acme: 10 plain flags, half set for the tenant. targeted: the same flags, each with nested rules (one
  // naming a segment) and a weighted rollout across three variants (on, off and the tenant's own holdout).
  await call('POST', '/api/v1/tenants', { slug: 'acme' });
  await call('POST', '/api/v1/tenants', { slug: 'targeted' });
  for (let index = 0; index < FLAGS; index += 1)
    await call('POST', '/api/v1/features', { key: `flag-${index}`, defaultEnabled: index % 2 === 0 });
  for (let index = 0; index < FLAGS / 2; index += 1) await call('PUT', `/api/v1/tenants/acme/features/flag-${index}`, { enabled: true });
  await call('PUT', '/api/v1/tenants/targeted/segments/internal', {
    when: {
      any: [
        { attribute: 'email', op: 'ends_with', value: '@example.test' },
        { attribute: 'plan', op: 'eq', value: 'enterprise' },
      ],
    },
  });
  for (let index = 0; index < FLAGS; index += 1) {
    await call('PUT', `/api/v1/tenants/targeted/features/flag-${index}`, {
      enabled: true,
      variants: { holdout: false },
      rules: [
        { when: { all: [{ segment: 'internal' }, { attribute: 'appVersion', op: 'semver_gte', value: '2.0.0' }] }, variant: 'on' },
        {
          when: {
            any: [
              { attribute: 'plan', op: 'in', value: ['team', 'business'] },
              { all: [{ attribute: 'seats', op: 'gte', value: 90 }, { not: { attribute: 'country', op: 'in', value: ['XX', 'YY'] } }] },
            ],
          },
          variant: 'off',
        },
      ],
      rollout: [
        { variant: 'on', weight: 10 * (index + 1) },
        { variant: 'off', weight: 50 },
        { variant: 'holdout', weight: 10 },
      ],
    });
  }

  const bareSecret = randomBytes(24).toString('base64url');
  const providerPort = await freePort();
  const provider = await startProcess('bench/servers/bare-provider.mjs', { PORT: String(providerPort), CLIENT_SECRET: bareSecret });
  await waitForHttp(`http://127.0.0.1:${providerPort}/oidc/.well-known/openid-configuration`);
  const acmeClient = await platformClient(baseUrl, env, 'features:read', 'acme');
  const targetedClient = await platformClient(baseUrl, env, 'features:read', 'targeted');
  const acmeBearer = { authorization: `Bearer ${acmeClient.token}` };
  const replayPort = await freePort();
  const replay = await startProcess('bench/servers/bare-http.mjs', { PORT: String(replayPort) });
  await waitForHttp(`http://127.0.0.1:${replayPort}/`);
  const replayUrl = `http://127.0.0.1:${replayPort}/`;
  /** Tenantry's request against the baseline answering what Tenantry answered to it. */
  const againstReplay = async (name, request, goal, options = {}) => {
    const answer = await capture(request);
    await ask(replay, { type: 'respond', ...answer }, 'ready');
    const baseline = { ...request, url: replayUrl, expectNotModified: request.expectNotModified };
    const result = await compare(name, request, baseline, goal);
    return { ...result, note: options.note ?? `same status (${answer.status}), ETag and ${answer.length} bytes` };
  };

  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const json = { 'content-type': 'application/json' };
  const results = [];
  if (wanted('a')) {
    results.push(
      await compare(
        '(a) POST /oidc/token client_credentials (JWT ES256)',
        {
          url: `${baseUrl}/oidc/token`,
          method: 'POST',
          headers: { ...form, authorization: basic },
          body: 'grant_type=client_credentials&scope=features:read',
        },
        {
          url: `http://127.0.0.1:${providerPort}/oidc/token`,
          method: 'POST',
          headers: { ...form, authorization: `Basic ${Buffer.from(`bench:${bareSecret}`).toString('base64')}` },
          body: 'grant_type=client_credentials&scope=features:read',
        },
        0.95,
      ),
    );
  }
  if (wanted('c')) {
    // In chunks, each side minting its codes just before they are exchanged and
    // refreshing the new refresh tokens right after: the baseline's in-memory
    // adapter keeps its last 1,000 entries only.
    const total = Number(values['user-flow-requests']);
    const chunks = 4;
    const size = Math.ceil(total / chunks);
    const minter = await codeMinter({ baseUrl, env, tenant: 'acme' });
    const bareBasic = `Basic ${Buffer.from(`bench-app:${bareSecret}`).toString('base64')}`;
    const exchange = (code, codeVerifier) =>
      new URLSearchParams({ grant_type: 'authorization_code', code, code_verifier: codeVerifier, redirect_uri: CALLBACK }).toString();
    const refresh = (refreshToken) => new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }).toString();
    const sides = { c: { target: [], baseline: [] }, d: { target: [], baseline: [] } };
    for (let chunk = 0; chunk < chunks; chunk += 1) {
      const codes = await minter.mint(size);
      const bare = await ask(provider, { type: 'mint', count: size }, 'minted');
      const refreshTokens = { target: [], baseline: [] };
      const target = { url: `${baseUrl}/oidc/token`, headers: { ...form, authorization: minter.basic } };
      const baseline = { url: `http://127.0.0.1:${providerPort}/oidc/token`, headers: { ...form, authorization: bareBasic } };
      const order = chunk % 2 === 0 ? ['target', 'baseline'] : ['baseline', 'target'];
      for (const side of order) {
        const bodies =
          side === 'target'
            ? codes.map((code) => exchange(code, minter.verifier))
            : bare.codes.map((code) => exchange(code, bare.verifier));
        sides.c[side].push(
          await once({
            ...(side === 'target' ? target : baseline),
            bodies,
            onBody: (body) => refreshTokens[side].push(body.refresh_token),
          }),
        );
      }
      for (const side of order)
        sides.d[side].push(await once({ ...(side === 'target' ? target : baseline), bodies: refreshTokens[side].map(refresh) }));
    }
    const rate = (results) => results.reduce((sum, r) => sum + r.requests, 0) / results.reduce((sum, r) => sum + r.requests / r.rps, 0);
    for (const [letter, name] of [
      ['c', '(c) POST /oidc/token authorization_code (PKCE, user JWT)'],
      ['d', '(d) POST /oidc/token refresh_token (rotating)'],
    ]) {
      const { target, baseline } = sides[letter];
      const ratios = target.map((result, index) => result.rps / baseline[index].rps);
      results.push({
        name,
        target: { rps: rate(target), p99: median(target.map((r) => r.p99)) },
        baseline: { rps: rate(baseline), p99: median(baseline.map((r) => r.p99)) },
        ratio: rate(target) / rate(baseline),
        spread: [Math.min(...ratios), Math.max(...ratios)],
        goal: 0.4,
        note: `${total} single-use codes or tokens per side, in ${chunks} alternating chunks`,
      });
    }
  }
  if (wanted('b')) {
    results.push(
      await againstReplay(
        `(b) GET /api/v1/tenants/{slug}/features (${FLAGS} flags)`,
        { url: `${baseUrl}/api/v1/tenants/acme/features`, headers: bearer },
        0.5,
      ),
    );
  }
  if (wanted('e')) {
    results.push(
      await againstReplay(
        '(e) GET /api/v1/me/features, warm (tenant token)',
        { url: `${baseUrl}/api/v1/me/features`, headers: acmeBearer },
        0.6,
      ),
    );
  }
  const ofrepBody = JSON.stringify({ context: { targetingKey: 'user-1' } });
  if (wanted('f')) {
    const first = await fetch(`${baseUrl}/ofrep/v1/evaluate/flags`, {
      method: 'POST',
      headers: { ...acmeBearer, ...json },
      body: ofrepBody,
    });
    const notModified = {
      url: `${baseUrl}/ofrep/v1/evaluate/flags`,
      method: 'POST',
      headers: { ...acmeBearer, ...json, 'if-none-match': first.headers.get('etag') },
      body: ofrepBody,
      expectNotModified: true,
    };
    results.push(await againstReplay('(f) POST /ofrep/v1/evaluate/flags, matching ETag → 304', notModified, 0.5));
  }
  if (wanted('h')) {
    let user = 0;
    const fresh = {
      url: `${baseUrl}/ofrep/v1/evaluate/flags`,
      method: 'POST',
      headers: { authorization: `Bearer ${targetedClient.token}`, ...json },
      requests: [
        {
          method: 'POST',
          setupRequest: (request) => ({
            ...request,
            body: JSON.stringify({
              context: {
                targetingKey: `user-${(user += 1)}`,
                plan: user % 3 ? 'free' : 'pro',
                email: `user-${user}@corp.test`,
                appVersion: '2.3.1',
                seats: user % 100,
                country: 'DE',
              },
            }),
          }),
        },
      ],
    };
    results.push(
      await againstReplay(
        `(h) POST /ofrep/v1/evaluate/flags, a new user each request (${FLAGS} flags, nested rules, a segment, 3-way rollout)`,
        fresh,
        0.35,
      ),
    );
  }
  if (wanted('i')) {
    results.push(
      await againstReplay(
        '(i) POST /ofrep/v1/evaluate/flags/{key} (one flag)',
        { url: `${baseUrl}/ofrep/v1/evaluate/flags/flag-3`, method: 'POST', headers: { ...acmeBearer, ...json }, body: ofrepBody },
        0.4,
      ),
    );
  }
  let sseLatency;
  if (wanted('g')) sseLatency = await toggleToEvent({ baseUrl, bearer, count: 200 });

  console.log('');
  console.log(
    'scenario'.padEnd(72),
    'req/s'.padStart(8),
    'p99 ms'.padStart(7),
    '| baseline req/s'.padStart(16),
    'p99 ms'.padStart(7),
    '| ratio (min-max)',
    ' goal',
    ' ',
  );
  for (const r of results) {
    console.log(
      r.name.padEnd(72),
      r.target.rps.toFixed(0).padStart(8),
      String(r.target.p99).padStart(7),
      '|',
      r.baseline.rps.toFixed(0).padStart(14),
      String(r.baseline.p99).padStart(7),
      '|',
      `${r.ratio.toFixed(2)} (${r.spread[0].toFixed(2)}-${r.spread[1].toFixed(2)})`.padStart(16),
      `≥${r.goal}`,
      r.ratio >= r.goal ? 'met' : 'MISSED',
      r.note ? `  [${r.note}]` : '',
    );
  }
  if (sseLatency) {
    console.log(
      '(g) toggle → SSE event at a subscriber'.padEnd(72),
      `p50 ${sseLatency.p50.toFixed(1)} ms, p99 ${sseLatency.p99.toFixed(1)} ms over ${sseLatency.count} toggles`,
      '| goal p99 < 50 ms',
      sseLatency.p99 < 50 ? 'met' : 'MISSED',
    );
  }
  console.log(
    'baselines: (a), (c), (d) oidc-provider 9 alone on node:http with its in-memory adapter, the same ES256 JWT, PKCE and rotation config; (b), (e), (f), (h), (i) bare node:http replaying Tenantry’s own answer to the request',
  );
  console.log(
    'Tenantry runs with LOG_LEVEL=warn and TOKEN_RATE_LIMIT=0 here (no per-request log line, no per-client limit): the figures measure the request path.',
  );
  children.forEach((child) => child.kill('SIGTERM'));
  await new Promise((resolve) => setTimeout(resolve, 1000));
  await database.drop();
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
