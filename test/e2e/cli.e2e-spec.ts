import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import * as oauth from 'openid-client';
import { runCli } from '../../src/cli/run-cli.js';
import { DatabaseService } from '../../src/infra/database/database.service.js';
import { ClientsService } from '../../src/oidc/clients.service.js';
import { OidcService } from '../../src/oidc/oidc.service.js';
import { api, clientWithToken } from '../support/api.js';
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
      await cli(
        'clients:create',
        '--name',
        'admin',
        '--grant',
        'client_credentials',
        '--scope',
        'features:read features:write tenants:read tenants:write',
        '--json',
      ),
    );
    expect(created).toMatchObject({
      name: 'admin',
      type: 'confidential',
      tenant: null,
      scopes: ['features:read', 'features:write', 'tenants:read', 'tenants:write'],
    });
    const clientSecret = created.clientSecret as string;
    expect(clientSecret).toMatch(/^tsec_/);

    const { rows } = await testApp.app
      .get(DatabaseService)
      .pool.query('SELECT secret_hash FROM tenantry.clients WHERE id = $1', [created.clientId]);
    expect(rows[0].secret_hash).toMatch(/^sha256\$/);
    expect(rows[0].secret_hash).not.toContain(clientSecret.slice(5));

    const configuration = await discoverClient(testApp, created.clientId as string, clientSecret);
    const tokens = await oauth.clientCredentialsGrant(configuration, { scope: 'tenants:write' });
    expect(decodeJwt(tokens.access_token).scope).toBe('tenants:write');

    const listed = json(await cli('clients:list', '--json'));
    expect(JSON.stringify(listed)).not.toContain(clientSecret);
  });

  it('creates and lists tenants, and registers a tenant client', async () => {
    expect(json(await cli('tenants:create', 'initech', '--name', 'Initech', '--json'))).toMatchObject({
      slug: 'initech',
      placement: 'isolated',
    });
    const listed = json(await cli('tenants:list', '--json'));
    expect(listed.tenants).toEqual([expect.objectContaining({ slug: 'initech', name: 'Initech', status: 'active' })]);
    const client = json(
      await cli(
        'clients:create',
        '--name',
        'initech app',
        '--tenant',
        'initech',
        '--grant',
        'client_credentials',
        '--scope',
        'features:read',
        '--json',
      ),
    );
    expect(client.tenant).toBe('initech');
    expect(json(await cli('clients:list', '--tenant', 'initech', '--json')).clients).toHaveLength(1);
  });

  it('runs a pooled tenant through its lifecycle: create, filter, suspend, resume, delete', async () => {
    expect(json(await cli('tenants:create', 'hooli', '--placement', 'pooled', '--json'))).toMatchObject({
      slug: 'hooli',
      placement: 'pooled',
      status: 'active',
    });
    expect(json(await cli('tenants:list', '--placement', 'pooled', '--json')).tenants).toEqual([
      expect.objectContaining({ slug: 'hooli' }),
    ]);
    expect(json(await cli('tenants:suspend', 'hooli', '--json'))).toMatchObject({ status: 'suspended' });
    expect(json(await cli('tenants:list', '--status', 'suspended', '--json')).tenants).toEqual([
      expect.objectContaining({ slug: 'hooli' }),
    ]);
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

    const tenantsScope = await cli(
      'clients:create',
      '--name',
      'x',
      '--tenant',
      'initech',
      '--grant',
      'client_credentials',
      '--scope',
      'tenants:read',
    );
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
    const created = json(
      await cli('clients:create', '--name', 'temp', '--grant', 'client_credentials', '--scope', 'features:read', '--json'),
    );
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
    const jwks = async () =>
      ((await fetch(`${testApp.baseUrl}/oidc/jwks`).then((response) => response.json())) as { keys: { kid: string }[] }).keys.map(
        (key) => key.kid,
      );
    const [oldKid] = await jwks();
    const rotated = json(await cli('keys:rotate', '--json'));
    expect(rotated).toMatchObject({ retired: 1 });
    // What the maintenance tick does every minute (at once on a PostgreSQL server, through NOTIFY).
    await testApp.app.get(OidcService).refreshKeys();
    expect(await jwks()).toEqual([rotated.kid, oldKid]);

    const created = json(
      await cli('clients:create', '--name', 'after rotation', '--grant', 'client_credentials', '--scope', 'features:read', '--json'),
    );
    const configuration = await discoverClient(testApp, created.clientId as string, created.clientSecret as string);
    const { access_token: token } = await oauth.clientCredentialsGrant(configuration, { scope: 'features:read' });
    expect(decodeProtectedHeader(token).kid).toBe(rotated.kid);
    expect(json(await cli('tokens:purge', '--json'))).toEqual({
      removed: expect.any(Number),
      keysRemoved: 0,
      throttlesRemoved: expect.any(Number),
      dpopProofsRemoved: 0,
    });
  });

  describe('features', () => {
    // What the audit trail records for a change made here: client "cli", the operating-system user who ran it.
    const cliActor = { clientId: 'cli', userId: userInfo().username };
    let adminToken: string;

    function failure(run: CliRun, exitCode: number): Record<string, unknown> {
      expect(run).toMatchObject({ code: exitCode, stdout: '' });
      return JSON.parse(run.stderr) as Record<string, unknown>;
    }

    beforeAll(async () => {
      adminToken = (await clientWithToken(testApp, testApp.app.get(ClientsService))).token;
      json(await cli('tenants:create', 'umbrella', '--json'));
    });

    it('creates flags of every type and lists the catalogue exactly as the API does', async () => {
      expect(json(await cli('features:create', 'banner', '--description', 'The new banner', '--json'))).toEqual({
        key: 'banner',
        description: 'The new banner',
        type: 'boolean',
        defaultEnabled: false,
        variants: { on: true, off: false },
        defaultVariant: 'on',
        offVariant: 'off',
        metadata: {},
        defaultValue: false,
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
      expect(
        json(await cli('features:create', 'theme', '--type', 'string', '--default-value', 'blue', '--default-on', '--json')),
      ).toMatchObject({
        type: 'string',
        defaultEnabled: true,
        defaultValue: 'blue',
      });
      expect(json(await cli('features:create', 'limit', '--type', 'number', '--default-value', '10', '--json'))).toMatchObject({
        type: 'number',
        defaultValue: 10,
      });
      expect(json(await cli('features:create', 'layout', '--type', 'object', '--default-value', '{"columns":2}', '--json'))).toMatchObject({
        type: 'object',
        defaultValue: { columns: 2 },
      });

      const listed = json(await cli('features:list', '--json'));
      expect((listed.items as { key: string }[]).map((feature) => feature.key)).toEqual(['banner', 'layout', 'limit', 'theme']);
      expect(listed).toEqual((await api(testApp, adminToken).get('/api/v1/features').expect(200)).body);
      const text = await cli('features:list');
      expect(text.stdout.trim().split('\n')).toHaveLength(4);
      expect(text.stdout).toContain('theme\tstring\tdefault on, on default, off default\tdefault="blue"\t');
    });

    it("sets a tenant's flags through the audit trail, with the CLI as actor, visible to the API", async () => {
      expect(json(await cli('features:set', 'umbrella', 'banner', '--on', '--json'))).toEqual({
        key: 'banner',
        description: 'The new banner',
        type: 'boolean',
        enabled: true,
        variant: 'on',
        value: true,
        onVariant: 'on',
        offVariant: 'off',
        variants: { on: true, off: false },
        rules: [],
        rollout: null,
        metadata: {},
        source: 'tenant',
        updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
      expect(json(await cli('features:set', 'umbrella', 'limit', '--on', '--value', '25', '--json'))).toMatchObject({
        enabled: true,
        value: 25,
      });
      expect(json(await cli('features:set', 'umbrella', 'layout', '--on', '--value', '{"columns":3}', '--json'))).toMatchObject({
        value: { columns: 3 },
      });
      expect(json(await cli('features:set', 'umbrella', 'theme', '--off', '--json'))).toMatchObject({
        enabled: false,
        value: 'blue',
        source: 'tenant',
      });

      const tenantFlags = json(await cli('features:list', '--tenant', 'umbrella', '--json'));
      expect(tenantFlags).toEqual((await api(testApp, adminToken).get('/api/v1/tenants/umbrella/features').expect(200)).body);
      expect(tenantFlags.tenant).toBe('umbrella');
      expect((await cli('features:list', '--tenant', 'umbrella')).stdout.trim().split('\n')).toEqual([
        'banner\ton, serves on=true\tset for the tenant',
        'layout\ton, serves on={"columns":3}\tset for the tenant',
        'limit\ton, serves on=25\tset for the tenant',
        'theme\toff, serves default="blue"\tset for the tenant',
      ]);

      const changes = json(await cli('features:changes', 'umbrella', '--json'));
      expect(changes).toEqual((await api(testApp, adminToken).get('/api/v1/tenants/umbrella/feature-changes').expect(200)).body);
      expect(changes).toMatchObject({ tenant: 'umbrella', nextCursor: null });
      const items = changes.items as { key: string; actor: unknown; before: unknown; after: unknown }[];
      expect(items.map((change) => change.key)).toEqual(['theme', 'layout', 'limit', 'banner']);
      for (const change of items) expect(change.actor).toEqual(cliActor);
      // The tenant predates these flags, so it had no state of its own before.
      expect(items[3]).toMatchObject({ before: null, after: { enabled: true, origin: 'override' } });
      expect(items[2]!.after).toMatchObject({ enabled: true, variant: 'on', variants: { on: 25 } });

      const firstPage = json(await cli('features:changes', 'umbrella', '--limit', '3', '--json'));
      expect((firstPage.items as unknown[]).length).toBe(3);
      expect(firstPage.nextCursor).toEqual(expect.any(String));
      const secondPage = json(
        await cli('features:changes', 'umbrella', '--limit', '3', '--cursor', firstPage.nextCursor as string, '--json'),
      );
      expect(secondPage).toEqual({ tenant: 'umbrella', items: [items[3]], nextCursor: null });

      const text = await cli('features:changes', 'umbrella', '--limit', '1');
      expect(text.code).toBe(0);
      expect(text.stdout.trim().split('\n')).toEqual([
        expect.stringMatching(new RegExp(`^\\d+\\t\\S+\\ttheme\\tunset -> off\\tby cli \\(${cliActor.userId}\\)$`)),
        expect.stringMatching(/^more: features:changes umbrella --cursor \d+$/),
      ]);
    });

    it("changes only a typed flag's on-value with --value: its rules and rollout stay", async () => {
      const targeting = { rules: [{ attribute: 'plan', operator: 'equals', values: ['pro'], value: 'gold' }], rollout: { percentage: 40 } };
      const set = await api(testApp, adminToken)
        .put('/api/v1/tenants/umbrella/features/theme', { enabled: true, value: 'green', ...targeting })
        .expect(200);
      const { rules, rollout } = set.body as { rules: unknown[]; rollout: unknown[] };
      expect(rules).toEqual([{ name: 'rule-1', when: { attribute: 'plan', op: 'eq', value: 'pro' }, variant: 'rule-1' }]);
      const changed = json(await cli('features:set', 'umbrella', 'theme', '--on', '--value', 'red', '--json'));
      expect(changed).toMatchObject({
        enabled: true,
        value: 'red',
        variants: { default: 'blue', on: 'red', 'rule-1': 'gold' },
        rules,
        rollout,
      });
      const [latest, byApi] = json(await cli('features:changes', 'umbrella', '--limit', '2', '--json')).items as {
        actor: { clientId: string };
      }[];
      expect(latest!.actor).toEqual(cliActor);
      expect(byApi!.actor.clientId).not.toBe('cli');
    });

    it('creates a flag with named variants and metadata, targets it with a segment, rules and a rollout, through the audit trail', async () => {
      const created = json(
        await cli(
          'features:create',
          'greeting',
          '--type',
          'string',
          '--variant',
          'hi=hello',
          '--variant',
          'bye=goodbye',
          '--variant',
          'yo=yo!',
          '--default-variant',
          'hi',
          '--off-variant',
          'bye',
          '--metadata',
          'owner=growth',
          '--metadata',
          'ticket=42',
          '--metadata',
          'experiment=true',
          '--json',
        ),
      );
      expect(created).toMatchObject({
        variants: { hi: 'hello', bye: 'goodbye', yo: 'yo!' },
        defaultVariant: 'hi',
        offVariant: 'bye',
        metadata: { owner: 'growth', ticket: 42, experiment: true },
      });
      const segment = json(
        await cli(
          'segments:set',
          'umbrella',
          'staff',
          '--when',
          '{"attribute":"email","op":"ends_with","value":"@umbrella.test"}',
          '--json',
        ),
      );
      expect(segment).toMatchObject({
        key: 'staff',
        created: true,
        when: { attribute: 'email', op: 'ends_with', value: '@umbrella.test' },
      });
      expect(json(await cli('segments:list', 'umbrella', '--json'))).toEqual(
        (await api(testApp, adminToken).get('/api/v1/tenants/umbrella/segments').expect(200)).body,
      );
      const rules = [{ name: 'staff', when: { all: [{ segment: 'staff' }, { attribute: 'age', op: 'gte', value: 18 }] }, variant: 'yo' }];
      const rulesFile = join(mkdtempSync(join(tmpdir(), 'tenantry-rules-')), 'rules.json');
      writeFileSync(rulesFile, JSON.stringify(rules));
      const set = json(
        await cli(
          'features:set',
          'umbrella',
          'greeting',
          '--on',
          '--variant',
          'hi',
          '--rules-file',
          rulesFile,
          '--rollout',
          'hi=70,yo=30',
          '--json',
        ),
      );
      expect(set).toMatchObject({
        enabled: true,
        variant: 'hi',
        rules,
        rollout: [
          { variant: 'hi', weight: 70 },
          { variant: 'yo', weight: 30 },
        ],
      });
      const inline = json(await cli('features:set', 'umbrella', 'greeting', '--on', '--rules', '[]', '--json'));
      expect(inline).toMatchObject({
        rules: [],
        rollout: [
          { variant: 'hi', weight: 70 },
          { variant: 'yo', weight: 30 },
        ],
      });
      const [latest, previous, segmentChange] = json(await cli('features:changes', 'umbrella', '--limit', '3', '--json')).items as {
        kind: string;
        key: string;
        after: Record<string, unknown>;
      }[];
      expect(latest).toMatchObject({ kind: 'feature', key: 'greeting', after: { variant: 'hi', rollout: expect.any(Array) } });
      expect(latest!.after).not.toHaveProperty('rules');
      expect(previous).toMatchObject({ kind: 'feature', key: 'greeting', after: { rules } });
      expect(segmentChange).toMatchObject({ kind: 'segment', key: 'staff', after: { when: { attribute: 'email' } } });
      expect(failure(await cli('features:set', 'umbrella', 'greeting', '--on', '--variant', 'nope', '--json'), 1)).toMatchObject({
        code: 'FEATURE_INVALID',
        error: "/variant: must name one of the flag's variants",
      });
      expect(
        failure(await cli('segments:set', 'umbrella', 'bad', '--when', '{"attribute":"age","op":"gt","value":"x"}', '--json'), 1),
      ).toMatchObject({
        code: 'FEATURE_INVALID',
        error: '/when/value: must be a number',
      });
      expect(failure(await cli('features:set', 'umbrella', 'greeting', '--on', '--rollout', 'hi', '--json'), 2).error).toMatch(
        /--rollout takes/,
      );
    });

    it('refuses what the API refuses, with the same error codes, and changes nothing', async () => {
      const changesBefore = json(await cli('features:changes', 'umbrella', '--json'));
      const flagsBefore = json(await cli('features:list', '--tenant', 'umbrella', '--json'));

      expect(failure(await cli('features:set', 'umbrella', 'no-such-flag', '--on', '--json'), 1)).toMatchObject({
        code: 'FEATURE_NOT_FOUND',
      });
      expect(failure(await cli('features:set', 'umbrella', 'no-such-flag', '--on', '--value', '1', '--json'), 1)).toMatchObject({
        code: 'FEATURE_NOT_FOUND',
      });
      expect(failure(await cli('features:set', 'nowhere', 'banner', '--on', '--json'), 1)).toMatchObject({ code: 'TENANT_NOT_FOUND' });
      expect(failure(await cli('features:changes', 'nowhere', '--json'), 1)).toMatchObject({ code: 'TENANT_NOT_FOUND' });
      expect(failure(await cli('features:list', '--tenant', 'nowhere', '--json'), 1)).toMatchObject({ code: 'TENANT_NOT_FOUND' });
      expect(failure(await cli('features:set', 'umbrella', 'limit', '--on', '--value', 'lots', '--json'), 1)).toMatchObject({
        code: 'FEATURE_INVALID',
        error: '/value: value must be of type number.',
      });
      expect(failure(await cli('features:set', 'umbrella', 'layout', '--on', '--value', '[1, 2]', '--json'), 1)).toMatchObject({
        code: 'FEATURE_INVALID',
      });
      expect(failure(await cli('features:set', 'umbrella', 'banner', '--on', '--value', 'true', '--json'), 1)).toMatchObject({
        code: 'FEATURE_INVALID',
      });
      expect(failure(await cli('features:changes', 'umbrella', '--cursor', 'abc', '--json'), 1)).toMatchObject({
        code: 'FEATURE_QUERY_INVALID',
      });

      expect(failure(await cli('features:set', 'umbrella', 'banner', '--json'), 2).error).toMatch(/exactly one of --on or --off/);
      expect(failure(await cli('features:set', 'umbrella', 'banner', '--on', '--off', '--json'), 2).error).toMatch(
        /exactly one of --on or --off/,
      );
      expect(failure(await cli('features:set', 'umbrella', '--on', '--json'), 2).error).toMatch(/missing <key>/);
      expect(failure(await cli('features:changes', 'umbrella', '--limit', '0', '--json'), 2).error).toMatch(/--limit must be/);
      expect(failure(await cli('features:changes', 'umbrella', '--limit', '501', '--json'), 2).error).toMatch(/--limit must be/);

      expect(json(await cli('features:changes', 'umbrella', '--json'))).toEqual(changesBefore);
      expect(json(await cli('features:list', '--tenant', 'umbrella', '--json'))).toEqual(flagsBefore);
    });

    it('refuses a suspended tenant, as the API does', async () => {
      json(await cli('tenants:suspend', 'umbrella', '--json'));
      expect(failure(await cli('features:set', 'umbrella', 'banner', '--off', '--json'), 1)).toMatchObject({ code: 'TENANT_SUSPENDED' });
      expect(failure(await cli('features:changes', 'umbrella', '--json'), 1)).toMatchObject({ code: 'TENANT_SUSPENDED' });
      json(await cli('tenants:resume', 'umbrella', '--json'));
      expect(json(await cli('features:set', 'umbrella', 'banner', '--off', '--json'))).toMatchObject({ enabled: false });
    });

    it('refuses a catalogue entry the API would refuse', async () => {
      expect(failure(await cli('features:create', 'Not A Key', '--json'), 2).error).toMatch(/<key> must be/);
      expect(failure(await cli('features:create', 'colour', '--type', 'color', '--json'), 2).error).toMatch(/--type must be one of/);
      expect(failure(await cli('features:create', 'banner', '--json'), 1)).toMatchObject({ code: 'FEATURE_KEY_TAKEN' });
      expect(failure(await cli('features:create', 'ratio', '--type', 'number', '--json'), 1)).toMatchObject({ code: 'FEATURE_INVALID' });
      expect(failure(await cli('features:create', 'ratio', '--type', 'number', '--default-value', 'half', '--json'), 1)).toMatchObject({
        code: 'FEATURE_INVALID',
      });
      expect((json(await cli('features:list', '--json')).items as { key: string }[]).map((feature) => feature.key)).toEqual([
        'banner',
        'greeting',
        'layout',
        'limit',
        'theme',
      ]);
    });
  });
});
