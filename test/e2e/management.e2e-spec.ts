import * as oauth from 'openid-client';
import { runCli } from '../../src/cli/run-cli.js';
import { DatabaseService } from '../../src/infra/database/database.service.js';
import { ClientsService } from '../../src/oidc/clients.service.js';
import { api, clientWithToken, expectProblem, type TestClient } from '../support/api.js';
import { discoverClient, startTestApp, TEST_SECRET_KEY, type TestApp } from '../support/test-app.js';

describe('client and user management', () => {
  let testApp: TestApp;
  let admin: TestClient;

  beforeAll(async () => {
    testApp = await startTestApp();
    admin = await clientWithToken(testApp, testApp.app.get(ClientsService));
    await api(testApp, admin.token).post('/api/v1/tenants', { slug: 'acme' }).expect(201);
  });

  afterAll(async () => {
    await testApp.close();
  });

  async function token(clientId: string, clientSecret: string, scope = 'features:read'): Promise<string> {
    return (await oauth.clientCredentialsGrant(await discoverClient(testApp, clientId, clientSecret), { scope })).access_token;
  }

  async function expectInvalidClient(clientId: string, clientSecret: string): Promise<void> {
    const failure = await token(clientId, clientSecret).then(
      () => undefined,
      (error: unknown) => error as oauth.WWWAuthenticateChallengeError,
    );
    expect(failure?.cause[0]?.parameters.error).toBe('invalid_client');
  }

  describe('clients API', () => {
    it('registers a tenant client, shows its secret once, lists and reads it', async () => {
      const created = await api(testApp, admin.token)
        .post('/api/v1/clients', { name: 'acme backend', tenant: 'acme', grantTypes: ['client_credentials'], scopes: ['features:read'] })
        .expect(201);
      expect(created.body).toMatchObject({
        name: 'acme backend',
        tenant: 'acme',
        type: 'confidential',
        clientSecret: expect.stringMatching(/^tsec_/),
      });
      const listed = await api(testApp, admin.token).get('/api/v1/clients?tenant=acme').expect(200);
      expect(listed.body.items).toEqual([expect.objectContaining({ clientId: created.body.clientId })]);
      expect(JSON.stringify(listed.body)).not.toContain(created.body.clientSecret);
      const one = await api(testApp, admin.token).get(`/api/v1/clients/${created.body.clientId}`).expect(200);
      expect(one.body).not.toHaveProperty('clientSecret');
      await token(created.body.clientId, created.body.clientSecret);
    });

    it('rotates a secret: the old one stops working at once, the new one works', async () => {
      const created = await api(testApp, admin.token)
        .post('/api/v1/clients', { name: 'rotating', grantTypes: ['client_credentials'], scopes: ['features:read'] })
        .expect(201);
      await token(created.body.clientId, created.body.clientSecret);
      const rotated = await api(testApp, admin.token).post(`/api/v1/clients/${created.body.clientId}/secret`).expect(201);
      expect(rotated.body.clientSecret).not.toBe(created.body.clientSecret);
      await expectInvalidClient(created.body.clientId, created.body.clientSecret);
      await token(created.body.clientId, rotated.body.clientSecret);
    });

    it('deletes a client: no new tokens, and tokens it already holds stop working', async () => {
      const created = await api(testApp, admin.token)
        .post('/api/v1/clients', { name: 'doomed', grantTypes: ['client_credentials'], scopes: ['features:read'] })
        .expect(201);
      const held = await token(created.body.clientId, created.body.clientSecret);
      await api(testApp, held).get('/api/v1/tenants/acme/features').expect(200);
      await api(testApp, admin.token).delete(`/api/v1/clients/${created.body.clientId}`).expect(204);
      await expectInvalidClient(created.body.clientId, created.body.clientSecret);
      expectProblem(await api(testApp, held).get('/api/v1/tenants/acme/features'), 401, 'TOKEN_INVALID');
      expectProblem(await api(testApp, admin.token).delete(`/api/v1/clients/${created.body.clientId}`), 404, 'CLIENT_NOT_FOUND');
    });

    it('validates registrations', async () => {
      const noRedirect = await api(testApp, admin.token).post('/api/v1/clients', {
        name: 'x',
        tenant: 'acme',
        grantTypes: ['authorization_code'],
        scopes: ['openid'],
      });
      expectProblem(noRedirect, 400, 'CLIENT_INVALID');
      const badGrant = await api(testApp, admin.token).post('/api/v1/clients', { name: 'x', grantTypes: ['password'], scopes: ['openid'] });
      expectProblem(badGrant, 400, 'VALIDATION_FAILED');
      const httpRedirect = await api(testApp, admin.token).post('/api/v1/clients', {
        name: 'x',
        tenant: 'acme',
        public: true,
        grantTypes: ['authorization_code'],
        scopes: ['openid'],
        redirectUris: ['http://app.acme.test/cb'],
      });
      expectProblem(httpRedirect, 400, 'CLIENT_INVALID');
      expectProblem(await api(testApp, admin.token).post('/api/v1/clients/nope/secret'), 404, 'CLIENT_NOT_FOUND');
    });

    it('is for platform clients only', async () => {
      const created = await api(testApp, admin.token)
        .post('/api/v1/clients', {
          name: 'tenant app',
          tenant: 'acme',
          grantTypes: ['client_credentials'],
          scopes: ['features:read', 'features:write'],
        })
        .expect(201);
      const tenantToken = await token(created.body.clientId, created.body.clientSecret, 'features:read features:write');
      expectProblem(await api(testApp, tenantToken).get('/api/v1/clients'), 403);
      expectProblem(
        await api(testApp, tenantToken).post('/api/v1/clients', {
          name: 'x',
          grantTypes: ['client_credentials'],
          scopes: ['tenants:write'],
        }),
        403,
      );
    });
  });

  describe('users API and CLI', () => {
    it('creates, lists and deletes a tenant’s users without ever returning a password hash', async () => {
      const created = await api(testApp, admin.token)
        .post('/api/v1/tenants/acme/users', { email: 'Ada@Acme.test', password: 'correct horse battery', name: 'Ada' })
        .expect(201);
      expect(created.body).toMatchObject({ email: 'ada@acme.test', name: 'Ada', emailVerified: false });
      expectProblem(
        await api(testApp, admin.token).post('/api/v1/tenants/acme/users', { email: 'ada@acme.test', password: 'another long one' }),
        409,
        'USER_EMAIL_TAKEN',
      );
      const listed = await api(testApp, admin.token).get('/api/v1/tenants/acme/users').expect(200);
      expect(JSON.stringify(listed.body)).not.toMatch(/scrypt|password/i);
      await api(testApp, admin.token).delete(`/api/v1/tenants/acme/users/${created.body.id}`).expect(204);
      expectProblem(await api(testApp, admin.token).delete(`/api/v1/tenants/acme/users/${created.body.id}`), 404, 'USER_NOT_FOUND');
    });

    it('refuses bad users', async () => {
      expectProblem(
        await api(testApp, admin.token).post('/api/v1/tenants/acme/users', { email: 'not-an-email', password: 'long enough password' }),
        400,
        'VALIDATION_FAILED',
      );
      expectProblem(
        await api(testApp, admin.token).post('/api/v1/tenants/acme/users', { email: 'a@b.test', password: 'short' }),
        400,
        'VALIDATION_FAILED',
      );
      expectProblem(
        await api(testApp, admin.token).post('/api/v1/tenants/nobody/users', { email: 'a@b.test', password: 'long enough password' }),
        404,
        'TENANT_NOT_FOUND',
      );
      expectProblem(await api(testApp, admin.token).delete('/api/v1/tenants/acme/users/not-a-uuid'), 400);
    });

    it('creates a user from the CLI with the password on stdin, stored only as a scrypt hash', async () => {
      let stdout = '';
      let stderr = '';
      const code = await runCli(['users:create', '--tenant', 'acme', '--email', 'cli@acme.test', '--password-stdin', '--json'], {
        stdout: (text) => (stdout += text),
        stderr: (text) => (stderr += text),
        env: { ...testApp.database.env, SECRET_KEY: TEST_SECRET_KEY, LOG_LEVEL: 'warn' },
        readStdin: async () => 'piped in password\n',
      });
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      expect(JSON.parse(stdout)).toMatchObject({ tenant: 'acme', email: 'cli@acme.test' });
      const { rows } = await testApp.app
        .get(DatabaseService)
        .pool.query("SELECT password_hash FROM tenant_acme.users WHERE email = 'cli@acme.test'");
      expect(rows[0].password_hash).toMatch(/^scrypt\$131072\$8\$1\$/);
      expect(rows[0].password_hash).not.toContain('piped in password');

      const missing = await runCli(['users:create', '--tenant', 'acme', '--email', 'x@acme.test'], {
        stdout: () => undefined,
        stderr: (text) => (stderr = text),
        env: { ...testApp.database.env, SECRET_KEY: TEST_SECRET_KEY, LOG_LEVEL: 'warn' },
      });
      expect(missing).toBe(2);
      expect(stderr).toMatch(/--password-stdin is required/);
    });
  });
});
