import request from 'supertest';
import { DatabaseService } from '../../src/infra/database/database.service.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('health, docs, logs', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp();
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('reports liveness and readiness', async () => {
    expect((await request(testApp.baseUrl).get('/health/live')).body).toEqual({ status: 'ok' });
    expect((await request(testApp.baseUrl).get('/health/ready')).body).toEqual({ status: 'ok', database: 'up', migrations: 'applied' });
  });

  it('serves Swagger UI from local assets, with an OpenAPI document whose OAuth flows point at our token endpoint', async () => {
    const page = await request(testApp.baseUrl).get('/docs/').redirects(1);
    expect(page.status).toBe(200);
    expect(page.text).toContain('swagger-ui');
    expect(page.text).not.toMatch(/https?:\/\/(unpkg|cdn|cdnjs|jsdelivr)/);
    const assets = [...page.text.matchAll(/(?:src|href)="\.?\/?([^"]+\.(?:js|css))"/g)].map((match) => match[1]!);
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) {
      const path = asset.startsWith('docs/') ? `/${asset}` : `/docs/${asset}`;
      expect((await request(testApp.baseUrl).get(path)).status).toBe(200);
    }

    const document = (await request(testApp.baseUrl).get('/docs-json')).body;
    const schemes = document.components.securitySchemes;
    expect(schemes['client-credentials'].flows.clientCredentials.tokenUrl).toBe(`${testApp.baseUrl}/oidc/token`);
    expect(schemes['authorization-code'].flows.authorizationCode.authorizationUrl).toBe(`${testApp.baseUrl}/oidc/auth`);
    const operations = Object.values(document.paths).flatMap((path) => Object.values(path as Record<string, { operationId: string }>));
    const operationIds = operations.map((operation) => operation.operationId);
    expect(operationIds).toEqual(expect.arrayContaining(['setTenantFeature', 'listTenantFeatures', 'createTenant', 'listMyFeatures']));
    expect(new Set(operationIds).size).toBe(operationIds.length);
    expect(document.paths['/api/v1/tenants/{slug}/features/{key}'].put.security).toEqual(
      expect.arrayContaining([{ 'client-credentials': ['features:write'] }]),
    );
  });

  it('logs one JSON line per request with a request id, echoed to the client, and no query string', async () => {
    const response = await request(testApp.baseUrl).get('/api/v1/features?access_token=leak-me').set('X-Request-Id', 'trace-123');
    expect(response.headers['x-request-id']).toBe('trace-123');
    const line = testApp.logs.map((entry) => JSON.parse(entry)).find((entry) => entry.req?.id === 'trace-123');
    expect(line).toMatchObject({ req: { method: 'GET', path: '/api/v1/features' }, res: { statusCode: 401 } });
    expect(testApp.logs.join('\n')).not.toContain('leak-me');

    const generated = await request(testApp.baseUrl).get('/health/live');
    expect(generated.headers['x-request-id']).toMatch(/^[\w-]+-[0-9a-z]+$/);
  });

  it('never logs an Authorization header', async () => {
    await request(testApp.baseUrl).get('/api/v1/features').set('Authorization', 'Bearer secret-bearer-value');
    expect(testApp.logs.join('\n')).not.toContain('secret-bearer-value');
  });

  it('turns a failure inside a request into a 500 problem with an error id and no internals', async () => {
    // Break the database under the app: a real failure, not a mock.
    const pool = testApp.app.get(DatabaseService).pool;
    await pool.query('ALTER TABLE tenantry.features RENAME TO features_away');
    try {
      const { ClientsService } = await import('../../src/oidc/clients.service.js');
      const { clientWithToken, api } = await import('../support/api.js');
      const admin = await clientWithToken(testApp, testApp.app.get(ClientsService));
      const response = await api(testApp, admin.token).get('/api/v1/features');
      expect(response.status).toBe(500);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body.errorId).toMatch(/^[0-9a-f-]{36}$/);
      expect(JSON.stringify(response.body)).not.toMatch(/features_away|prisma|at |stack/i);
      expect(testApp.logs.some((entry) => entry.includes(response.body.errorId))).toBe(true);
    } finally {
      await pool.query('ALTER TABLE tenantry.features_away RENAME TO features');
    }
  });
});
