import { FeaturesService } from '../../src/features/features.service.js';
import { ClientsService } from '../../src/oidc/clients.service.js';
import { TenantsService } from '../../src/tenants/tenants.service.js';
import { UsersService } from '../../src/users/users.service.js';
import { api, clientWithToken, expectProblem } from '../support/api.js';
import { Findings, ODD_SEGMENTS, send, UNREADABLE_ESCAPES } from '../support/hostile.js';
import { rawExchange, requestHead } from '../support/raw-http.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

interface Operation {
  operationId: string;
  parameters?: { name: string; in: string }[];
  requestBody?: unknown;
}
type OpenApiDocument = { paths: Record<string, Record<string, Operation>> };

const NESTING = 1_000;

/** Bodies every JSON route refuses before any handler runs, with the status they get. */
const UNREADABLE_BODIES: [label: string, contentType: string, body: string | Buffer, status: number][] = [
  ['arrays nested 1,000 deep', 'application/json', `${'['.repeat(NESTING)}${']'.repeat(NESTING)}`, 400],
  ['objects nested 1,000 deep', 'application/json', `${'{"a":'.repeat(NESTING)}1${'}'.repeat(NESTING)}`, 400],
  ['over 64 KB', 'application/json', JSON.stringify({ name: 'x'.repeat(70_000) }), 413],
  ['not JSON', 'application/json', '{"name": ', 400],
  ['an invalid \\u escape', 'application/json', '{"name":"\\u12"}', 400],
  ['a NUL', 'application/json', '{"name":"a\\u0000b","slug":"a\\u0000b","key":"a\\u0000"}', 400],
  ['a NUL in a key', 'application/json', '{"a\\u0000":1}', 400],
  ['a lone surrogate', 'application/json', '{"name":"\\ud800","email":"\\udfff@acme.test"}', 400],
  ['a number JSON cannot hold', 'application/json', '{"defaultValue":1e400,"percentage":1e400}', 400],
  ['a prototype key', 'application/json', '{"__proto__":{"admin":true}}', 400],
  ['a form with a NUL', 'application/x-www-form-urlencoded', 'name=a%00b&slug=x', 400],
  ['a form with a malformed escape', 'application/x-www-form-urlencoded', 'name=%zz', 400],
  ['a form with a lone surrogate', 'application/x-www-form-urlencoded', 'name=%ED%A0%80', 400],
  ['a form with bytes that are not UTF-8', 'application/x-www-form-urlencoded', Buffer.from([0x6e, 0x3d, 0xff, 0xfe]), 400],
  ['an unknown content type', 'application/x-fuzz', '{}', 415],
  ['multipart', 'multipart/form-data; boundary=x', '--x\r\n\r\n--x--', 415],
];

/** A valid body per operation, so that one wrong field is what a variant tests. */
const VALID_BODIES: Record<string, Record<string, unknown>> = {
  createTenant: { slug: 'fuzzed', name: 'Fuzzed', placement: 'isolated' },
  moveTenant: { placement: 'pooled' },
  createUser: { email: 'fuzz@acme.test', password: 'a long enough passphrase', name: 'Fuzz', emailVerified: false },
  createFeature: { key: 'fuzzed', description: 'Fuzzed', type: 'boolean', defaultEnabled: false, defaultValue: false },
  createClient: {
    name: 'fuzz',
    grantTypes: ['client_credentials'],
    scopes: ['features:read'],
    tenant: 'acme',
    public: false,
    redirectUris: [],
    postLogoutRedirectUris: [],
  },
  updateFeature: {
    description: 'Fuzzed',
    defaultEnabled: false,
    variants: { on: true, off: false },
    defaultVariant: 'on',
    offVariant: 'off',
    metadata: { owner: 'fuzz' },
  },
  setTenantFeature: { enabled: true, variant: 'on', variants: null, value: null, rules: [], rollout: null, metadata: { owner: 'fuzz' } },
  putSegment: { description: 'Fuzzed', when: { attribute: 'plan', op: 'eq', value: 'pro' } },
  bulkSetTenantFeatures: { features: [{ key: 'beta', enabled: true }] },
  evaluateFlag: { context: { targetingKey: 'user-1' } },
  evaluateFlagsBulk: { context: { targetingKey: 'user-1' } },
  createApiKey: {
    kind: 'publishable',
    name: 'fuzz',
    origins: ['https://app.acme.test'],
    scopes: [],
    ipRanges: [],
    expiresAt: '2099-01-01T00:00:00Z',
    rateLimitPerMinute: 600,
  },
  updateTenant: { adminsMayToggleFlags: false },
  updateUser: { role: 'member', disabled: false },
  createOperator: { email: 'fuzz@ops.test', role: 'viewer', password: 'a long enough passphrase' },
  updateOperator: { role: 'viewer', disabled: false },
};

const WRONG_TYPES: unknown[] = [1.5, true, 'text', [], {}, null, [[[]]], { a: { b: [] } }, 'x'.repeat(20_000)];

describe('hostile input', () => {
  let testApp: TestApp;
  let admin: string;
  let tenantToken: string;
  let tenantClientId: string;
  let userId: string;
  let document: OpenApiDocument;

  beforeAll(async () => {
    testApp = await startTestApp();
    const clients = testApp.app.get(ClientsService);
    admin = (await clientWithToken(testApp, clients)).token;
    const acme = await testApp.app.get(TenantsService).create({ slug: 'acme', name: 'Acme' });
    await testApp.app.get(FeaturesService).createFeature({ key: 'beta', description: 'Beta' });
    await testApp.app.get(FeaturesService).createFeature({ key: 'banner', type: 'string', defaultValue: 'none' });
    userId = (await testApp.app.get(UsersService).create(acme, { email: 'ada@acme.test', password: 'a long enough passphrase' })).id;
    const tenantClient = await clientWithToken(
      testApp,
      clients,
      { tenantSlug: 'acme', scopes: ['features:read features:write'] },
      'features:read features:write',
    );
    tenantToken = tenantClient.token;
    tenantClientId = tenantClient.clientId;
    document = (await (await fetch(`${testApp.url}/docs-json`)).json()) as OpenApiDocument;
  });

  afterAll(async () => {
    await testApp.close();
  });

  /** The operation's path with every parameter valid except `hostile`, which gets `value`. */
  function target(path: string, hostile?: string, value?: string): string {
    const valid: Record<string, string> = { slug: 'acme', key: 'beta', id: userId, clientId: tenantClientId };
    return path.replace(/\{(\w+)\}/g, (_whole, name: string) => (name === hostile ? value! : (valid[name] ?? 'x')));
  }

  const operations = (): [path: string, method: string, operation: Operation][] =>
    Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => [path, method.toUpperCase(), operation] as [string, string, Operation]),
    );

  const tokens = () => ({ platform: admin, tenant: tenantToken });

  it('answers Basic credentials with a malformed percent-escape with invalid_request, and keeps serving', async () => {
    const response = await fetch(`${testApp.url}/oidc/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('%zz:%zz').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
    expect((await fetch(`${testApp.url}/health/live`)).status).toBe(200);
  });

  it('reads the whole API from its OpenAPI document', () => {
    const ids = operations().map(([, , operation]) => operation.operationId);
    expect(ids).toEqual(expect.arrayContaining(['createTenant', 'setTenantFeature', 'evaluateFlag', 'streamOfrepFeatureEvents']));
    expect(ids.length).toBeGreaterThan(25);
  });

  it('refuses a path parameter it cannot decode or store with a 400 in the endpoint’s format, on every operation', async () => {
    const findings = new Findings();
    for (const [path, method, operation] of operations()) {
      const names = (operation.parameters ?? []).filter((parameter) => parameter.in === 'path').map((parameter) => parameter.name);
      for (const [who, token] of Object.entries(tokens()))
        for (const name of names) {
          for (const [label, value] of Object.entries(UNREADABLE_ESCAPES)) {
            const url = target(path, name, value);
            const outcome = await send(testApp, url, { method, headers: { authorization: `Bearer ${token}` } });
            findings.check(`${operation.operationId} ${who} {${name}} ${label}`, url, outcome, 400);
          }
          for (const [label, value] of Object.entries(ODD_SEGMENTS)) {
            const url = target(path, name, value);
            const outcome = await send(testApp, url, { method, headers: { authorization: `Bearer ${token}` } });
            findings.check(`${operation.operationId} ${who} {${name}} ${label}`, url, outcome);
          }
        }
    }
    expect(findings.items).toEqual([]);
  });

  it('refuses an undecodable or unstorable query and a repeated single-valued parameter with a 400, on every read', async () => {
    const findings = new Findings();
    for (const [path, method, operation] of operations().filter(([, method]) => method === 'GET')) {
      const declared = (operation.parameters ?? []).filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name);
      for (const [who, token] of Object.entries(tokens())) {
        const headers = { authorization: `Bearer ${token}` };
        for (const name of [...declared, 'unknown']) {
          for (const [label, value] of Object.entries(UNREADABLE_ESCAPES)) {
            const url = `${target(path)}?${name}=${value}`;
            findings.check(`${operation.operationId} ${who} ?${name} ${label}`, url, await send(testApp, url, { method, headers }), 400);
          }
          const long = `${target(path)}?${name}=${'x'.repeat(4_000)}`;
          findings.check(`${operation.operationId} ${who} ?${name} very long`, long, await send(testApp, long, { method, headers }));
        }
        for (const name of declared) {
          const url = `${target(path)}?${name}=1&${name}=2`;
          const outcome = await send(testApp, url, { method, headers });
          // A route that refuses the token first never reads its query.
          findings.check(`${operation.operationId} ${who} ?${name} repeated`, url, outcome, [400, 401, 403]);
        }
      }
    }
    expect(findings.items).toEqual([]);
  });

  it('refuses nested, oversized, unreadable and unstorable bodies before any handler, on every operation', async () => {
    const findings = new Findings();
    for (const [path, method, operation] of operations().filter(([, method]) => method === 'POST' || method === 'PUT')) {
      for (const [who, token] of Object.entries(tokens()))
        for (const [label, contentType, body, status] of UNREADABLE_BODIES) {
          const url = target(path);
          const outcome = await send(testApp, url, {
            method,
            headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
            body,
          });
          findings.check(`${operation.operationId} ${who} ${label}`, url, outcome, status);
        }
    }
    expect(findings.items).toEqual([]);
  });

  it('answers a wrong-typed, NUL-bearing or surrogate-bearing field of every request body without a 5xx', async () => {
    const findings = new Findings();
    for (const [path, method, operation] of operations().filter(([, , operation]) => operation.requestBody)) {
      const valid = VALID_BODIES[operation.operationId] ?? {};
      expect([operation.operationId, Object.keys(valid).length > 0]).toEqual([operation.operationId, true]);
      for (const [who, token] of Object.entries(tokens()))
        for (const field of Object.keys(valid)) {
          const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
          for (const wrong of WRONG_TYPES) {
            const body = JSON.stringify({ ...valid, [field]: wrong });
            findings.check(
              `${operation.operationId} ${who} ${field}=${JSON.stringify(wrong).slice(0, 20)}`,
              target(path),
              await send(testApp, target(path), { method, headers, body }),
            );
          }
          // JSON.stringify writes a lone surrogate as its \ud800 escape.
          for (const [label, text] of [
            ['NUL', 'a\u0000b'],
            ['lone surrogate', '\ud800x'],
          ] as const) {
            const body = JSON.stringify({ ...valid, [field]: text });
            findings.check(
              `${operation.operationId} ${who} ${field} ${label}`,
              target(path),
              await send(testApp, target(path), { method, headers, body }),
              400,
            );
          }
        }
    }
    expect(findings.items).toEqual([]);
  });

  it('answers OFREP requests it cannot read in OFREP’s format, with the key for one flag', async () => {
    const headers = { authorization: `Bearer ${tenantToken}`, 'content-type': 'application/json' };
    const deep = await send(testApp, '/ofrep/v1/evaluate/flags/beta', { method: 'POST', headers, body: '['.repeat(NESTING) });
    expect(deep).toMatchObject({ status: 400 });
    expect(JSON.parse((deep as { body: string }).body)).toEqual({
      key: 'beta',
      errorCode: 'PARSE_ERROR',
      errorDetails: expect.any(String),
    });
    const big = await send(testApp, '/ofrep/v1/evaluate/flags', {
      method: 'POST',
      headers,
      body: JSON.stringify({ context: { a: 'x'.repeat(70_000) } }),
    });
    expect(big).toMatchObject({ status: 413 });
    expect(JSON.parse((big as { body: string }).body)).toEqual({ errorCode: 'PARSE_ERROR', errorDetails: expect.any(String) });
    const badPath = await send(testApp, '/ofrep/v1/evaluate/flags/%zz', { method: 'POST', headers, body: '{"context":{}}' });
    expect(badPath).toMatchObject({ status: 400 });
    expect(JSON.parse((badPath as { body: string }).body)).toMatchObject({ key: '%zz', errorCode: 'PARSE_ERROR' });
    const surrogate = await send(testApp, '/ofrep/v1/evaluate/flags/beta', {
      method: 'POST',
      headers,
      body: '{"context":{"targetingKey":"\\ud800"}}',
    });
    expect(JSON.parse((surrogate as { body: string }).body)).toMatchObject({ key: 'beta', errorCode: 'PARSE_ERROR' });
  });

  it('refuses a repeated stream ticket with a 400 (was an array handed to the ticket check)', async () => {
    const bulk = await fetch(`${testApp.url}/ofrep/v1/evaluate/flags`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tenantToken}`, 'content-type': 'application/json' },
      body: '{"context":{"targetingKey":"u"}}',
    });
    const { eventStreams } = (await bulk.json()) as { eventStreams: { url: string }[] };
    const ticket = new URL(eventStreams[0]!.url).searchParams.get('ticket')!;
    const repeated = await send(testApp, `/ofrep/v1/feature-events?ticket=${ticket}&ticket=${ticket}`);
    expect(repeated).toMatchObject({ status: 400 });
  });

  describe('flag values, rules and rollouts: only the shapes the README documents', () => {
    it.each([
      ['an empty rollout array', { enabled: true, rollout: [] }],
      ['a rollout array', { enabled: true, rollout: [{ percentage: 10 }] }],
      ['a rollout string', { enabled: true, rollout: '10' }],
      ['a rollout over 100', { enabled: true, rollout: { percentage: 101 } }],
      ['a rule that is an array', { enabled: true, rules: [[{ attribute: 'a', operator: 'in', values: ['x'] }]] }],
      ['a rule that is null', { enabled: true, rules: [null] }],
      ['a rule without values', { enabled: true, rules: [{ attribute: 'plan', operator: 'in', values: [] }] }],
      ['rule values that are objects', { enabled: true, rules: [{ attribute: 'plan', operator: 'in', values: [{ a: 1 }] }] }],
      ['rule values that are arrays or null', { enabled: true, rules: [{ attribute: 'plan', operator: 'in', values: [['x'], null] }] }],
      ['an absurdly long rule value', { enabled: true, rules: [{ attribute: 'plan', operator: 'in', values: ['x'.repeat(501)] }] }],
      ['an unknown operator', { enabled: true, rules: [{ attribute: 'plan', operator: 'like', values: ['x'] }] }],
      ['a value for a boolean flag', { enabled: true, value: 'yes' }],
      ['enabled as a string', { enabled: 'true' }],
    ])('refuses %s and stores nothing', async (_label, body) => {
      const before = await api(testApp, admin).get('/api/v1/tenants/acme/features/beta').expect(200);
      expectProblem(await api(testApp, admin).put('/api/v1/tenants/acme/features/beta', body), 400);
      const after = await api(testApp, admin).get('/api/v1/tenants/acme/features/beta').expect(200);
      expect(after.body).toEqual(before.body);
    });

    it('refuses a bulk set whose entries are arrays', async () => {
      expectProblem(await api(testApp, admin).put('/api/v1/tenants/acme/features', { features: [[{ key: 'beta', enabled: true }]] }), 400);
    });

    it('still takes the documented shapes', async () => {
      const body = {
        enabled: true,
        value: 'spring',
        rules: [{ attribute: 'plan', operator: 'in', values: ['pro', 2, true], value: 'gold' }],
        rollout: { percentage: 12.5 },
      };
      const response = await api(testApp, admin).put('/api/v1/tenants/acme/features/banner', body).expect(200);
      // 0.6.0: the shapes of before are translated into variants, conditions and weighted shares.
      expect(response.body).toMatchObject({
        value: 'spring',
        variant: 'on',
        variants: { default: 'none', on: 'spring', 'rule-1': 'gold' },
        rules: [{ name: 'rule-1', when: { attribute: 'plan', op: 'in', value: ['pro', '2', 'true'] }, variant: 'rule-1' }],
        rollout: [
          { variant: 'on', weight: 12.5 },
          { variant: 'default', weight: 87.5 },
        ],
      });
    });
  });

  describe('headers', () => {
    it.each([
      ['a Bearer token with spaces', 'Bearer a b c'],
      ['a huge Bearer token', `Bearer ${'x'.repeat(12_000)}`],
      ['a three-part token of garbage', 'Bearer a.b.c'],
      ['a JWT-looking token with a JSON header that is not an object', `Bearer ${Buffer.from('"x"').toString('base64url')}.e30.sig`],
      ['Basic credentials', `Basic ${Buffer.from('a:b').toString('base64')}`],
      ['the scheme alone', 'Bearer'],
      ['latin-1 bytes', 'Bearer \u00e9\u00ff'],
    ])('answers %s on the API with 401 problem+json', async (_label, authorization) => {
      const outcome = await send(testApp, '/api/v1/tenants', { headers: { authorization } });
      expect(outcome).toMatchObject({ status: 401, contentType: expect.stringMatching(/^application\/problem\+json/) });
    });

    it('answers raw bytes that are not UTF-8 in the Authorization header with 401, and serves the connection on', async () => {
      const port = Number(new URL(testApp.url).port);
      const raw = Buffer.concat([
        Buffer.from('GET /api/v1/tenants HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer '),
        Buffer.from([0xc3, 0x28, 0xff, 0xfe]),
        Buffer.from('\r\n\r\n'),
        Buffer.from(requestHead('GET', '/api/v1/tenants', { authorization: `Bearer ${admin}` })),
      ]);
      const { responses } = await rawExchange(port, [raw]);
      expect(responses.map((response) => response.status)).toEqual([401, 200]);
    });
  });

  describe('refused bodies and the connection they came on', () => {
    const port = () => Number(new URL(testApp.url).port);
    const health = requestHead('GET', '/health/live');

    it.each([
      ['/api/v1/tenants', 'application/json', 'api'],
      ['/ofrep/v1/evaluate/flags', 'application/json', 'tenant'],
      ['/interaction/abc/login', 'application/x-www-form-urlencoded', 'none'],
    ])('drains an over-limit body to %s and answers the next request on the connection', async (path, contentType, who) => {
      for (const size of [70_000, 600_000]) {
        const body = contentType === 'application/json' ? JSON.stringify({ name: 'x'.repeat(size) }) : `email=${'x'.repeat(size)}`;
        const authorization = who === 'api' ? admin : tenantToken;
        const head = requestHead('POST', path, {
          'content-type': contentType,
          'content-length': Buffer.byteLength(body),
          ...(who === 'none' ? {} : { authorization: `Bearer ${authorization}` }),
        });
        const { responses, ending } = await rawExchange(port(), [head, body, health]);
        expect([size, responses.map((response) => response.status)]).toEqual([size, [413, 200]]);
        expect(ending).toBe('closed-by-us');
      }
    });

    it('closes cleanly, after its answer, a connection whose body is too large to drain', async () => {
      const body = JSON.stringify({ name: 'x'.repeat(3_000_000) });
      const head = requestHead('POST', '/api/v1/tenants', {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        authorization: `Bearer ${admin}`,
      });
      const { responses, ending } = await rawExchange(port(), [head, body, health], 5_000);
      expect(responses.map((response) => response.status)).toEqual([413]);
      expect(ending).toBe('closed-by-server');
    });

    it('closes cleanly a chunked body that runs past the limit', async () => {
      const head = requestHead('POST', '/api/v1/tenants', {
        'content-type': 'application/json',
        'transfer-encoding': 'chunked',
        authorization: `Bearer ${admin}`,
      });
      const chunk = `${(40_000).toString(16)}\r\n${'x'.repeat(40_000)}\r\n`;
      const { responses, ending } = await rawExchange(port(), [head, chunk, chunk, chunk, '0\r\n\r\n', health], 5_000);
      expect(responses[0]).toMatchObject({ status: 413 });
      expect(ending).not.toMatch(/^error/);
    });
  });

  it('is still serving, and logged no unhandled error', async () => {
    expect((await fetch(`${testApp.url}/health/live`)).status).toBe(200);
    expect(testApp.logs.filter((line) => line.includes('unhandled error'))).toEqual([]);
  });
});
