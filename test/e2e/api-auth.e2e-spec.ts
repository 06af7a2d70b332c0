import { generateKeyPairSync } from 'node:crypto';
import { decodeJwt, importJWK, SignJWT, type JWK, type JWTPayload } from 'jose';
import { ClientsService } from '../../src/oidc/clients.service.js';
import { SecretBox } from '../../src/infra/crypto/secret-box.js';
import { KeysRepository } from '../../src/oidc/keys.repository.js';
import { api, clientWithToken, expectProblem, type TestClient } from '../support/api.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

type SigningKey = Awaited<ReturnType<typeof importJWK>>;

describe('API access tokens and tenant isolation', () => {
  let testApp: TestApp;
  let clients: ClientsService;
  let admin: TestClient;
  let acme: TestClient;
  let globex: TestClient;

  /** The active signing key, as only a holder of the database and SECRET_KEY can read it (the provider never sees it as a JWK). */
  async function activePrivateJwk(): Promise<JWK & { kid: string }> {
    const rows = await testApp.app.get(KeysRepository).findSigningKeysRetiredAfter(new Date());
    const active = rows.find((row) => row.retiredAt === null)!;
    return JSON.parse(new SecretBox(testApp.config.security.secretKey, 'signing-key').open(active.privateJwkEncrypted)) as JWK & {
      kid: string;
    };
  }

  async function sign(claims: JWTPayload, header: Record<string, unknown> = {}, key?: SigningKey): Promise<string> {
    const jwk = await activePrivateJwk();
    const signingKey = key ?? ((await importJWK(jwk, 'ES256')) as SigningKey);
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      iss: testApp.config.server.issuer,
      aud: testApp.config.server.apiAudience,
      sub: admin.clientId,
      client_id: admin.clientId,
      jti: 'crafted',
      iat: now,
      exp: now + 300,
      scope: 'features:read features:write tenants:read tenants:write',
      ...claims,
    })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: jwk.kid, ...header })
      .sign(signingKey);
  }

  async function expectInvalidToken(token: string, detail: RegExp): Promise<void> {
    const response = await api(testApp, token).get('/api/v1/tenants');
    expectProblem(response, 401, 'TOKEN_INVALID');
    expect(response.body.detail).toMatch(detail);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="tenantry", error="invalid_token", error_description="/);
  }

  beforeAll(async () => {
    testApp = await startTestApp();
    clients = testApp.app.get(ClientsService);
    admin = await clientWithToken(testApp, clients);
    await api(testApp, admin.token).post('/api/v1/tenants', { slug: 'acme' }).expect(201);
    await api(testApp, admin.token).post('/api/v1/tenants', { slug: 'globex' }).expect(201);
    await api(testApp, admin.token).post('/api/v1/features', { key: 'beta', defaultEnabled: false }).expect(201);
    await api(testApp, admin.token).put('/api/v1/tenants/globex/features/beta', { enabled: true }).expect(200);
    const tenantClient = { grantTypes: ['client_credentials'], scopes: ['features:read features:write'] };
    acme = await clientWithToken(testApp, clients, { ...tenantClient, tenantSlug: 'acme' });
    globex = await clientWithToken(testApp, clients, { ...tenantClient, tenantSlug: 'globex' });
  });

  afterAll(async () => {
    await testApp.close();
  });

  describe('authentication', () => {
    it('answers a request without a token with 401 and challenges without an error code (RFC 6750 §3.1)', async () => {
      const response = await api(testApp).get('/api/v1/tenants/acme/features');
      expectProblem(response, 401, 'TOKEN_MISSING');
      // No error code without credentials; both schemes offered, DPoP with its proof algorithms (RFC 9449 §7.1).
      expect(response.headers['www-authenticate']).toBe('Bearer realm="tenantry", DPoP realm="tenantry", algs="ES256 EdDSA Ed25519"');
    });

    it('refuses a token that is not a JWT', async () => {
      await expectInvalidToken('not-a-token', /malformed/);
    });

    it('accepts a token it signed itself (the crafting below is sound)', async () => {
      await api(testApp, await sign({}))
        .get('/api/v1/tenants')
        .expect(200);
    });

    it('refuses an expired token', async () => {
      const past = Math.floor(Date.now() / 1000) - 3600;
      await expectInvalidToken(await sign({ iat: past - 60, exp: past }), /expired/);
    });

    it('refuses a token for another audience', async () => {
      await expectInvalidToken(await sign({ aud: 'https://other.example/api' }), /audience/);
    });

    it('refuses a token from another issuer', async () => {
      await expectInvalidToken(await sign({ iss: 'https://evil.example/oidc' }), /issuer/);
    });

    it('refuses alg "none"', async () => {
      const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url');
      const payload = decodeJwt(await sign({}));
      const unsigned = `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.`;
      await expectInvalidToken(unsigned, /algorithm/);
    });

    it('refuses a token signed by a key we did not publish, even under our kid', async () => {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const foreign = (await importJWK(privateKey.export({ format: 'jwk' }), 'ES256')) as SigningKey;
      await expectInvalidToken(await sign({}, {}, foreign), /signature/);
      await expectInvalidToken(await sign({}, { kid: 'not-our-key' }, foreign), /unknown key/);
    });

    it('refuses an HMAC token keyed with our public key (algorithm confusion)', async () => {
      const publicJwk = (await api(testApp).get('/oidc/jwks')).body.keys[0];
      const secret = new TextEncoder().encode(JSON.stringify(publicJwk));
      const token = await sign({}, { alg: 'HS256' }, secret);
      await expectInvalidToken(token, /algorithm/);
    });

    it('refuses a JWT that is not an access token (typ is not at+jwt, e.g. an ID token)', async () => {
      await expectInvalidToken(await sign({}, { typ: 'JWT' }), /typ/);
    });
  });

  describe('scopes', () => {
    it('answers a token without the required scope with 403 insufficient_scope', async () => {
      const reader = await clientWithToken(testApp, clients, { scopes: ['features:read'] });
      const response = await api(testApp, reader.token).put('/api/v1/tenants/acme/features/beta', { enabled: true });
      expectProblem(response, 403, 'INSUFFICIENT_SCOPE');
      expect(response.headers['www-authenticate']).toBe('Bearer realm="tenantry", error="insufficient_scope", scope="features:write"');
      await api(testApp, reader.token).get('/api/v1/tenants/acme/features').expect(200);
    });

    it('keeps platform routes away from tenant-bound tokens', async () => {
      expectProblem(await api(testApp, acme.token).get('/api/v1/features'), 403, 'PLATFORM_CLIENT_REQUIRED');
      expectProblem(await api(testApp, acme.token).post('/api/v1/features', { key: 'sneaky' }), 403, 'PLATFORM_CLIENT_REQUIRED');
      expectProblem(await api(testApp, acme.token).get('/api/v1/tenants'), 403, 'PLATFORM_CLIENT_REQUIRED');
    });
  });

  describe('tenant A cannot see or change tenant B', () => {
    it('binds a tenant client’s token to its tenant', () => {
      const claims = decodeJwt(acme.token);
      expect(claims.tenant).toBe('acme');
      expect(typeof claims.tenant_id).toBe('string');
    });

    it('lets a tenant token read and change its own tenant', async () => {
      await api(testApp, acme.token).put('/api/v1/tenants/acme/features/beta', { enabled: true }).expect(200);
      const own = await api(testApp, acme.token).get('/api/v1/tenants/acme/features').expect(200);
      expect(own.body.items).toEqual([expect.objectContaining({ key: 'beta', enabled: true })]);
      const me = await api(testApp, acme.token).get('/api/v1/me/features').expect(200);
      expect(me.body).toEqual({ tenant: 'acme', items: [expect.objectContaining({ key: 'beta', enabled: true })] });
    });

    it('answers another tenant’s paths with 404, exactly like a tenant that does not exist', async () => {
      const read = await api(testApp, acme.token).get('/api/v1/tenants/globex/features');
      expectProblem(read, 404, 'TENANT_NOT_FOUND');
      const missing = await api(testApp, acme.token).get('/api/v1/tenants/no-such-tenant/features');
      expect(read.body.detail.replace('globex', 'X')).toBe(missing.body.detail.replace('no-such-tenant', 'X'));
      expectProblem(await api(testApp, acme.token).get('/api/v1/tenants/globex/features/beta'), 404, 'TENANT_NOT_FOUND');
    });

    it('cannot change another tenant’s flags, and the attempt leaves them unchanged', async () => {
      expectProblem(
        await api(testApp, acme.token).put('/api/v1/tenants/globex/features/beta', { enabled: false }),
        404,
        'TENANT_NOT_FOUND',
      );
      const globexView = await api(testApp, globex.token).get('/api/v1/me/features').expect(200);
      expect(globexView.body).toEqual({ tenant: 'globex', items: [expect.objectContaining({ key: 'beta', enabled: true })] });
    });

    it('cannot reach another tenant by forging the tenant claim without our key', async () => {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const foreign = (await importJWK(privateKey.export({ format: 'jwk' }), 'ES256')) as SigningKey;
      const claims = decodeJwt(globex.token);
      const forged = await sign({ tenant_id: claims.tenant_id, tenant: 'globex', scope: 'features:read' }, {}, foreign);
      expectProblem(await api(testApp, forged).get('/api/v1/me/features'), 401, 'TOKEN_INVALID');
    });

    it('tells a platform token that /me needs a token bound to a tenant', async () => {
      expectProblem(await api(testApp, admin.token).get('/api/v1/me/features'), 403, 'TENANT_TOKEN_REQUIRED');
    });
  });

  describe('bad input', () => {
    it('lists every invalid field of a body', async () => {
      const response = await api(testApp, admin.token).put('/api/v1/tenants/acme/features/beta', { enabled: 'yes', extra: 1 });
      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(response.body.errors).toEqual(
        expect.arrayContaining([
          { field: 'enabled', messages: ['enabled must be a boolean value'] },
          { field: 'extra', messages: ['property extra should not exist'] },
        ]),
      );
    });

    it('refuses malformed JSON with a 400 problem', async () => {
      const response = await api(testApp, admin.token)
        .put('/api/v1/tenants/acme/features/beta')
        .set('Content-Type', 'application/json')
        .send('{"enabled":');
      expectProblem(response, 400);
    });

    it('refuses an invalid tenant slug, a taken slug, an invalid and a taken feature key', async () => {
      const badSlug = await api(testApp, admin.token).post('/api/v1/tenants', { slug: 'Bad Slug"; drop schema x' });
      expectProblem(badSlug, 400, 'VALIDATION_FAILED');
      expect(badSlug.body.errors[0].field).toBe('slug');
      expectProblem(await api(testApp, admin.token).post('/api/v1/tenants', { slug: 'acme' }), 409, 'TENANT_SLUG_TAKEN');
      expectProblem(await api(testApp, admin.token).post('/api/v1/features', { key: 'Not A Key' }), 400, 'VALIDATION_FAILED');
      expectProblem(await api(testApp, admin.token).post('/api/v1/features', { key: 'beta' }), 409, 'FEATURE_KEY_TAKEN');
      expectProblem(await api(testApp, admin.token).post('/api/v1/tenants', {}), 400, 'VALIDATION_FAILED');
    });

    it('answers an unknown feature with 404', async () => {
      expectProblem(await api(testApp, admin.token).put('/api/v1/tenants/acme/features/nope', { enabled: true }), 404, 'FEATURE_NOT_FOUND');
      expectProblem(await api(testApp, admin.token).get('/api/v1/tenants/acme/features/nope'), 404, 'FEATURE_NOT_FOUND');
    });

    it('answers an unknown route with a 404 problem', async () => {
      expectProblem(await api(testApp, admin.token).get('/api/v1/nothing-here'), 404);
    });
  });
});
