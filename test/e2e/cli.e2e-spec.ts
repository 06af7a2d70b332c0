import { decodeJwt, decodeProtectedHeader } from 'jose';
import * as oauth from 'openid-client';
import { runCli } from '../../src/cli/run-cli.js';
import { DatabaseService } from '../../src/infra/database/database.service.js';
import { OidcService } from '../../src/oidc/oidc.service.js';
import { discoverClient, startTestApp, TEST_SECRET_KEY, type TestApp } from '../support/test-app.js';

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

describe('operator CLI', () => {
  let testApp: TestApp;

  async function cli(...argv: string[]): Promise<CliRun> {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, {
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
      env: { ...testApp.database.env, SECRET_KEY: TEST_SECRET_KEY, PUBLIC_URL: testApp.baseUrl, LOG_LEVEL: 'warn' },
    });
    return { code, stdout, stderr };
  }

  function json(run: CliRun): Record<string, unknown> {
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    return JSON.parse(run.stdout) as Record<string, unknown>;
  }

  beforeAll(async () => {
    testApp = await startTestApp();
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('registers a platform client whose secret works once shown and is stored only hashed', async () => {
    const created = json(
      await cli('clients:create', '--name', 'admin', '--grant', 'client_credentials', '--scope', 'features:read features:write tenants:read tenants:write', '--json'),
    );
    expect(created).toMatchObject({ name: 'admin', type: 'confidential', tenant: null, scopes: ['features:read', 'features:write', 'tenants:read', 'tenants:write'] });
    const clientSecret = created.clientSecret as string;
    expect(clientSecret).toMatch(/^tsec_/);

    const { rows } = await testApp.app.get(DatabaseService).pool.query('SELECT secret_hash FROM tenantry.clients WHERE id = $1', [created.clientId]);
    expect(rows[0].secret_hash).toMatch(/^sha256\$/);
    expect(rows[0].secret_hash).not.toContain(clientSecret.slice(5));

    const configuration = await discoverClient(testApp, created.clientId as string, clientSecret);
    const tokens = await oauth.clientCredentialsGrant(configuration, { scope: 'tenants:write' });
    expect(decodeJwt(tokens.access_token).scope).toBe('tenants:write');

    const listed = json(await cli('clients:list', '--json'));
    expect(JSON.stringify(listed)).not.toContain(clientSecret);
  });

  it('creates and lists tenants, and registers a tenant client', async () => {
    expect(json(await cli('tenants:create', 'initech', '--name', 'Initech', '--json'))).toMatchObject({ slug: 'initech', placement: 'isolated' });
    const listed = json(await cli('tenants:list', '--json'));
    expect(listed.tenants).toEqual([expect.objectContaining({ slug: 'initech', name: 'Initech', status: 'active' })]);
    const client = json(await cli('clients:create', '--name', 'initech app', '--tenant', 'initech', '--grant', 'client_credentials', '--scope', 'features:read', '--json'));
    expect(client.tenant).toBe('initech');
    expect(json(await cli('clients:list', '--tenant', 'initech', '--json')).clients).toHaveLength(1);
  });

  it('runs a pooled tenant through its lifecycle: create, filter, suspend, resume, delete', async () => {
    expect(json(await cli('tenants:create', 'hooli', '--placement', 'pooled', '--json'))).toMatchObject({ slug: 'hooli', placement: 'pooled', status: 'active' });
    expect(json(await cli('tenants:list', '--placement', 'pooled', '--json')).tenants).toEqual([expect.objectContaining({ slug: 'hooli' })]);
    expect(json(await cli('tenants:suspend', 'hooli', '--json'))).toMatchObject({ status: 'suspended' });
    expect(json(await cli('tenants:list', '--status', 'suspended', '--json')).tenants).toEqual([expect.objectContaining({ slug: 'hooli' })]);
    expect(json(await cli('tenants:resume', 'hooli', '--json'))).toMatchObject({ status: 'active' });
    expect(json(await cli('tenants:delete', 'hooli', '--json'))).toEqual({ slug: 'hooli', deleted: true });
    expect((await cli('tenants:delete', 'hooli')).code).toBe(1);
    expect((await cli('tenants:create', 'x', '--placement', 'sharded')).code).toBe(2);
    expect((await cli('tenants:list', '--status', 'sleeping')).code).toBe(2);
  });

  it('prints errors on stderr with a non-zero exit and nothing on stdout', async () => {
    const invalid = await cli('tenants:create', 'Not Valid', '--json');
    expect(invalid).toMatchObject({ code: 1, stdout: '' });
    expect(JSON.parse(invalid.stderr)).toMatchObject({ code: 'TENANT_SLUG_INVALID' });

    const duplicate = await cli('tenants:create', 'initech');
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toMatch(/already exists/);

    const tenantsScope = await cli('clients:create', '--name', 'x', '--tenant', 'initech', '--grant', 'client_credentials', '--scope', 'tenants:read');
    expect(tenantsScope.code).toBe(1);
    expect(tenantsScope.stderr).toMatch(/platform clients only/);

    const usage = await cli('clients:create', '--grant', 'client_credentials');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--name is required/);

    const unknownOption = await cli('tenants:list', '--bogus');
    expect(unknownOption.code).toBe(2);

    const unknown = await cli('no-such-command');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command/);
  });

  it('deletes a client, after which it can no longer get tokens', async () => {
    const created = json(await cli('clients:create', '--name', 'temp', '--grant', 'client_credentials', '--scope', 'features:read', '--json'));
    expect(json(await cli('clients:delete', created.clientId as string, '--json'))).toEqual({ deleted: created.clientId });
    const configuration = await discoverClient(testApp, created.clientId as string, created.clientSecret as string);
    const failure = await oauth.clientCredentialsGrant(configuration, { scope: 'features:read' }).then(
      () => undefined,
      (error: unknown) => error as oauth.WWWAuthenticateChallengeError,
    );
    expect(failure?.cause[0]?.parameters.error).toBe('invalid_client');
    expect((await cli('clients:delete', created.clientId as string)).code).toBe(1);
  });

  it('migrates everything and reports what it did', async () => {
    expect(json(await cli('migrate', '--json'))).toMatchObject({ control: { applied: [] }, tenants: { total: 0, done: 0, failed: [] } });
    // A schema recorded as behind is looked at again, and found complete.
    const pool = testApp.app.get(DatabaseService).pool;
    await pool.query("UPDATE tenantry.tenant_schemas SET migration = NULL WHERE schema_name = 'tenants_pooled'");
    expect(json(await cli('migrate', '--json'))).toMatchObject({ tenants: { total: 1, done: 0, skipped: 1, failed: [] } });
  });

  it('rotates the signing key: running instances sign with the new one and keep publishing the old one', async () => {
    const jwks = async () => ((await fetch(`${testApp.baseUrl}/oidc/jwks`).then((response) => response.json())) as { keys: { kid: string }[] }).keys.map((key) => key.kid);
    const [oldKid] = await jwks();
    const rotated = json(await cli('keys:rotate', '--json'));
    expect(rotated).toMatchObject({ retired: 1 });
    // What the maintenance tick does every minute (at once on a PostgreSQL server, through NOTIFY).
    await testApp.app.get(OidcService).refreshKeys();
    expect(await jwks()).toEqual([rotated.kid, oldKid]);

    const created = json(await cli('clients:create', '--name', 'after rotation', '--grant', 'client_credentials', '--scope', 'features:read', '--json'));
    const configuration = await discoverClient(testApp, created.clientId as string, created.clientSecret as string);
    const { access_token: token } = await oauth.clientCredentialsGrant(configuration, { scope: 'features:read' });
    expect(decodeProtectedHeader(token).kid).toBe(rotated.kid);
    expect(json(await cli('tokens:purge', '--json'))).toEqual({ removed: expect.any(Number), keysRemoved: 0, throttlesRemoved: expect.any(Number) });
  });
});
