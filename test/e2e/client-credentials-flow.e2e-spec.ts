import { decodeJwt, decodeProtectedHeader } from 'jose';
import * as oauth from 'openid-client';
import { ClientsService } from '../../src/oidc/clients.service.js';
import { ADMIN_SCOPES, api, clientWithToken, expectProblem } from '../support/api.js';
import { discoverClient, startTestApp, type TestApp } from '../support/test-app.js';

describe('client credentials → tenant → feature → toggle', () => {
  let testApp: TestApp;
  let clients: ClientsService;

  beforeAll(async () => {
    testApp = await startTestApp();
    clients = testApp.app.get(ClientsService);
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('advertises the issuer, the token endpoint and the JWKS in discovery', async () => {
    const { client, clientSecret } = await clients.create({
      name: 'discovery',
      grantTypes: ['client_credentials'],
      scopes: ['features:read'],
    });
    const configuration = await discoverClient(testApp, client.clientId, clientSecret!);
    const metadata = configuration.serverMetadata();
    expect(metadata.issuer).toBe(`${testApp.baseUrl}/oidc`);
    expect(metadata.token_endpoint).toBe(`${testApp.baseUrl}/oidc/token`);
    expect(metadata.grant_types_supported).toContain('client_credentials');
    expect(metadata.response_types_supported).toEqual(['code']);
    const jwks = await api(testApp).get('/oidc/jwks');
    expect(jwks.status).toBe(200);
    expect(jwks.body.keys).toHaveLength(1);
    expect(jwks.body.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(jwks.body.keys[0]).not.toHaveProperty('d');
  });

  it('issues an RFC 9068 JWT for the API audience without the client sending resource', async () => {
    const admin = await clientWithToken(testApp, clients);
    expect(decodeProtectedHeader(admin.token)).toMatchObject({ typ: 'at+jwt', alg: 'ES256' });
    const claims = decodeJwt(admin.token);
    expect(claims).toMatchObject({
      iss: `${testApp.baseUrl}/oidc`,
      aud: `${testApp.baseUrl}/api`,
      client_id: admin.clientId,
      sub: admin.clientId,
      scope: ADMIN_SCOPES,
    });
    expect(claims.tenant_id).toBeUndefined();
    expect(typeof claims.jti).toBe('string');
    expect(claims.exp! - claims.iat!).toBe(3600);
  });

  it('creates a tenant and a feature, toggles it for the tenant and reads it back', async () => {
    const { token } = await clientWithToken(testApp, clients);
    const tenant = await api(testApp, token).post('/api/v1/tenants', { slug: 'acme', name: 'Acme Corp' });
    expect(tenant.status).toBe(201);
    expect(tenant.body).toMatchObject({ slug: 'acme', name: 'Acme Corp', placement: 'isolated', status: 'active' });

    const feature = await api(testApp, token).post('/api/v1/features', { key: 'new-dashboard', description: 'Redesign' });
    expect(feature.status).toBe(201);
    expect(feature.body).toMatchObject({ key: 'new-dashboard', defaultEnabled: false });

    const before = await api(testApp, token).get('/api/v1/tenants/acme/features');
    expect(before.status).toBe(200);
    expect(before.body.items).toEqual([expect.objectContaining({ key: 'new-dashboard', enabled: false, source: 'default' })]);

    const toggled = await api(testApp, token).put('/api/v1/tenants/acme/features/new-dashboard', { enabled: true });
    expect(toggled.status).toBe(200);
    expect(toggled.body).toMatchObject({ key: 'new-dashboard', enabled: true, source: 'tenant' });

    const after = await api(testApp, token).get('/api/v1/tenants/acme/features');
    expect(after.body).toEqual({
      tenant: 'acme',
      items: [expect.objectContaining({ key: 'new-dashboard', enabled: true, source: 'tenant' })],
    });
    const single = await api(testApp, token).get('/api/v1/tenants/acme/features/new-dashboard');
    expect(single.body).toMatchObject({ enabled: true });

    const catalogue = await api(testApp, token).get('/api/v1/features');
    expect(catalogue.body.items.map((item: { key: string }) => item.key)).toContain('new-dashboard');
    const listed = await api(testApp, token).get('/api/v1/tenants');
    expect(listed.body.items.map((item: { slug: string }) => item.slug)).toContain('acme');
    const one = await api(testApp, token).get('/api/v1/tenants/acme');
    expect(one.body).toMatchObject({ slug: 'acme', placement: 'isolated' });
  });

  it('stores the state in the tenant schema, not in the control plane', async () => {
    const { token } = await clientWithToken(testApp, clients);
    await api(testApp, token).post('/api/v1/tenants', { slug: 'schema-check' });
    await api(testApp, token).post('/api/v1/features', { key: 'schema-flag' });
    await api(testApp, token).put('/api/v1/tenants/schema-check/features/schema-flag', { enabled: true });
    const pool = testApp.app.get((await import('../../src/infra/database/database.service.js')).DatabaseService).pool;
    const { rows } = await pool.query('SELECT feature_key, enabled, origin FROM tenant_schema_check.tenant_features ORDER BY feature_key');
    // Created with the catalogue's defaults seeded; the toggle is an override.
    expect(rows).toEqual([
      { feature_key: 'new-dashboard', enabled: false, origin: 'seed' },
      { feature_key: 'schema-flag', enabled: true, origin: 'override' },
    ]);
  });

  it('refuses a scope the client was not registered with (invalid_scope)', async () => {
    const { client, clientSecret } = await clients.create({
      name: 'reader',
      grantTypes: ['client_credentials'],
      scopes: ['features:read'],
    });
    const configuration = await discoverClient(testApp, client.clientId, clientSecret!);
    await expect(oauth.clientCredentialsGrant(configuration, { scope: 'features:read features:write' })).rejects.toMatchObject({
      error: 'invalid_scope',
    });
    await expect(oauth.clientCredentialsGrant(configuration, { scope: 'features:read admin' })).rejects.toMatchObject({
      error: 'invalid_scope',
    });
    const granted = await oauth.clientCredentialsGrant(configuration, { scope: 'features:read' });
    expect(granted.scope).toBe('features:read');
  });

  it('refuses a wrong client secret (invalid_client)', async () => {
    const { client } = await clients.create({ name: 'wrong-secret', grantTypes: ['client_credentials'], scopes: ['features:read'] });
    const configuration = await discoverClient(testApp, client.clientId, 'tsec_not-the-secret');
    // RFC 6749 §5.2: a failed Basic authentication is a 401 with a WWW-Authenticate challenge.
    const failure = await oauth.clientCredentialsGrant(configuration, { scope: 'features:read' }).then(
      () => undefined,
      (error: unknown) => error as oauth.WWWAuthenticateChallengeError,
    );
    expect(failure).toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
    expect(failure!.status).toBe(401);
    expect(failure!.cause[0]!.parameters.error).toBe('invalid_client');
  });

  it('stores the client secret only as a hash: it is in no table and no log line', async () => {
    const { clientSecret } = await clientWithToken(testApp, clients);
    const database = testApp.app.get((await import('../../src/infra/database/database.service.js')).DatabaseService);
    const { rows } = await database.pool.query<{ hit: number }>(
      `SELECT count(*)::int AS hit FROM (
         SELECT row_to_json(c)::text AS t FROM tenantry.clients c
         UNION ALL SELECT row_to_json(p)::text FROM tenantry.oidc_payloads p
         UNION ALL SELECT row_to_json(k)::text FROM tenantry.signing_keys k
         UNION ALL SELECT row_to_json(s)::text FROM tenantry.server_secrets s
       ) everything WHERE t LIKE '%' || $1 || '%'`,
      [clientSecret.slice(5)],
    );
    expect(rows[0]!.hit).toBe(0);
    expect(testApp.logs.length).toBeGreaterThan(0);
    expect(testApp.logs.filter((line) => line.includes(clientSecret.slice(5)))).toEqual([]);
  });

  it('keeps signing keys encrypted at rest', async () => {
    const database = testApp.app.get((await import('../../src/infra/database/database.service.js')).DatabaseService);
    const { rows } = await database.pool.query<{ private_jwk_encrypted: string; public_jwk: Record<string, unknown> }>(
      'SELECT private_jwk_encrypted, public_jwk FROM tenantry.signing_keys',
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.private_jwk_encrypted).toMatch(/^v1\./);
    expect(rows[0]!.private_jwk_encrypted).not.toContain('"d"');
    expect(rows[0]!.public_jwk).not.toHaveProperty('d');
  });

  it('answers an unknown tenant with a 404 problem', async () => {
    const { token } = await clientWithToken(testApp, clients);
    expectProblem(await api(testApp, token).get('/api/v1/tenants/nobody/features'), 404, 'TENANT_NOT_FOUND');
    expectProblem(await api(testApp, token).get('/api/v1/tenants/nobody'), 404, 'TENANT_NOT_FOUND');
    expectProblem(await api(testApp, token).put('/api/v1/tenants/nobody/features/x', { enabled: true }), 404, 'TENANT_NOT_FOUND');
  });
});
