import { ClientsService } from '../../src/oidc/clients.service.js';
import { CONSOLE_CLIENT_ID } from '../../src/oidc/console-accounts.js';
import { TenantsService } from '../../src/tenants/tenants.service.js';
import { UsersService } from '../../src/users/users.service.js';
import { api, clientWithToken, expectProblem } from '../support/api.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** What the console relies on in the API, from outside: tenant-usable user and client scopes, the console's own client, roles and disabled users. */
describe('console API', () => {
  let testApp: TestApp;
  let admin: string;
  let acmeToken: string;
  let globexUserId: string;
  let globexClientId: string;

  beforeAll(async () => {
    testApp = await startTestApp();
    const tenants = testApp.app.get(TenantsService);
    const clients = testApp.app.get(ClientsService);
    await tenants.create({ slug: 'acme', name: 'Acme' });
    const globex = await tenants.create({ slug: 'globex', name: 'Globex' });
    globexUserId = (await testApp.app.get(UsersService).create(globex, { email: 'ada@globex.test', password: 'a long enough passphrase' }))
      .id;
    globexClientId = (
      await clients.create({ name: 'globex app', tenantSlug: 'globex', grantTypes: ['client_credentials'], scopes: ['features:read'] })
    ).client.clientId;
    admin = (await clientWithToken(testApp, clients)).token;
    const scopes = 'users:read users:write clients:read clients:write';
    acmeToken = (await clientWithToken(testApp, clients, { tenantSlug: 'acme', scopes: [scopes] }, scopes)).token;
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('lets a tenant-bound token manage its own tenant’s users, and nothing of another tenant', async () => {
    const created = await api(testApp, acmeToken).post('/api/v1/tenants/acme/users', {
      email: 'bo@acme.test',
      password: 'a long enough passphrase',
      role: 'admin',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ email: 'bo@acme.test', role: 'admin', disabled: false });
    const disabled = await api(testApp, acmeToken).patch(`/api/v1/tenants/acme/users/${created.body.id as string}`, { disabled: true });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ role: 'admin', disabled: true });
    expect(
      await testApp.app
        .get(UsersService)
        .authenticate((await testApp.app.get(TenantsService).findBySlug('acme'))!, 'bo@acme.test', 'a long enough passphrase'),
    ).toBeUndefined();

    expectProblem(await api(testApp, acmeToken).get('/api/v1/tenants/globex/users'), 404, 'TENANT_NOT_FOUND');
    expectProblem(
      await api(testApp, acmeToken).patch(`/api/v1/tenants/globex/users/${globexUserId}`, { role: 'admin' }),
      404,
      'TENANT_NOT_FOUND',
    );
    expectProblem(await api(testApp, acmeToken).delete(`/api/v1/tenants/globex/users/${globexUserId}`), 404, 'TENANT_NOT_FOUND');
    expectProblem(
      await api(testApp, acmeToken).patch(`/api/v1/tenants/acme/users/${globexUserId}`, { role: 'admin' }),
      404,
      'USER_NOT_FOUND',
    );
    expectProblem(await api(testApp, acmeToken).patch(`/api/v1/tenants/acme/users/${globexUserId}`, { role: 'owner' }), 400);
  });

  it('lets a tenant-bound token see and register only its own tenant’s clients', async () => {
    const listed = await api(testApp, acmeToken).get('/api/v1/clients');
    expect(listed.status).toBe(200);
    expect((listed.body.items as { tenant: string }[]).map((client) => client.tenant)).toEqual(['acme']);
    expectProblem(await api(testApp, acmeToken).get('/api/v1/clients?tenant=globex'), 404, 'CLIENT_NOT_FOUND');
    expectProblem(await api(testApp, acmeToken).get(`/api/v1/clients/${globexClientId}`), 404, 'CLIENT_NOT_FOUND');
    expectProblem(await api(testApp, acmeToken).post(`/api/v1/clients/${globexClientId}/secret`), 404, 'CLIENT_NOT_FOUND');
    expectProblem(await api(testApp, acmeToken).delete(`/api/v1/clients/${globexClientId}`), 404, 'CLIENT_NOT_FOUND');
    const body = { name: 'acme worker', grantTypes: ['client_credentials'], scopes: ['features:read'] };
    expectProblem(await api(testApp, acmeToken).post('/api/v1/clients', { ...body, tenant: 'globex' }), 404, 'CLIENT_NOT_FOUND');
    const created = await api(testApp, acmeToken).post('/api/v1/clients', body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ tenant: 'acme', name: 'acme worker' });
    expect(typeof created.body.clientSecret).toBe('string');
    expectProblem(await api(testApp, acmeToken).post('/api/v1/clients', { ...body, scopes: ['tenants:read'] }), 400, 'CLIENT_INVALID');
  });

  it('keeps the console’s own client: registered at start, neither rotated nor deleted through the API', async () => {
    const client = await api(testApp, admin).get(`/api/v1/clients/${CONSOLE_CLIENT_ID}`);
    expect(client.status).toBe(200);
    expect(client.body).toMatchObject({ tenant: null, type: 'confidential', redirectUris: [`${testApp.baseUrl}/console/callback`] });
    expectProblem(await api(testApp, admin).post(`/api/v1/clients/${CONSOLE_CLIENT_ID}/secret`), 409, 'CLIENT_MANAGED');
    expectProblem(await api(testApp, admin).delete(`/api/v1/clients/${CONSOLE_CLIENT_ID}`), 409, 'CLIENT_MANAGED');
    expect((await api(testApp, admin).get(`/api/v1/clients/${CONSOLE_CLIENT_ID}`)).status).toBe(200);
  });

  it('refuses operators and tenant settings to tenant tokens, and tenant settings to tokens without tenants:write', async () => {
    expectProblem(await api(testApp, acmeToken).get('/api/v1/operators'), 403);
    expectProblem(await api(testApp, acmeToken).patch('/api/v1/tenants/acme', { adminsMayToggleFlags: true }), 403);
    expectProblem(await api(testApp, admin).get('/api/v1/operators'), 403, 'INSUFFICIENT_SCOPE');
    const updated = await api(testApp, admin).patch('/api/v1/tenants/acme', { adminsMayToggleFlags: true });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ slug: 'acme', adminsMayToggleFlags: true });
    expectProblem(await api(testApp, admin).patch('/api/v1/tenants/acme', { adminsMayToggleFlags: 'yes' }), 400);
    const searched = await api(testApp, admin).get('/api/v1/tenants?search=glob');
    expect((searched.body.items as { slug: string }[]).map((tenant) => tenant.slug)).toEqual(['globex']);
  });
});
