import request from 'supertest';
import { ClientsService } from '../../src/oidc/clients.service.js';
import { api, clientWithToken, expectProblem } from '../support/api.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** Named variants, targeting rules, segments, weighted rollouts and metadata, over the API and OFREP (0.6.0). */
describe('flag variants, targeting and segments', () => {
  let testApp: TestApp;
  let admin: string;
  let acme: string;
  let globex: string;

  const ofrep = (token: string, key: string, context: Record<string, unknown>) =>
    request(testApp.url).post(`/ofrep/v1/evaluate/flags/${key}`).set('Authorization', `Bearer ${token}`).send({ context });
  const patch = (path: string, body: object) => request(testApp.url).patch(path).set('Authorization', `Bearer ${admin}`).send(body);

  beforeAll(async () => {
    testApp = await startTestApp();
    const clients = testApp.app.get(ClientsService);
    admin = (await clientWithToken(testApp, clients)).token;
    await api(testApp, admin).post('/api/v1/tenants', { slug: 'acme' }).expect(201);
    // globex shares the pooled schema (row-level security); acme has its own schema.
    await api(testApp, admin).post('/api/v1/tenants', { slug: 'globex', placement: 'pooled' }).expect(201);
    acme = (await clientWithToken(testApp, clients, { tenantSlug: 'acme', scopes: ['features:read', 'features:write'] })).token;
    globex = (await clientWithToken(testApp, clients, { tenantSlug: 'globex', scopes: ['features:read', 'features:write'] })).token;
    await api(testApp, admin)
      .post('/api/v1/features', {
        key: 'checkout',
        type: 'string',
        variants: { classic: 'classic', fast: 'one-click', beta: 'beta-flow' },
        defaultVariant: 'classic',
        offVariant: 'classic',
        metadata: { owner: 'payments', ticket: 1234, experiment: true },
      })
      .expect(201);
  });

  afterAll(async () => {
    await testApp?.close();
  });

  describe('the catalogue', () => {
    it('reads a flag with its variants and metadata, and changes it without removing a variant', async () => {
      const read = await api(testApp, admin).get('/api/v1/features/checkout').expect(200);
      expect(read.body).toMatchObject({
        variants: { classic: 'classic', fast: 'one-click', beta: 'beta-flow' },
        defaultVariant: 'classic',
        offVariant: 'classic',
        metadata: { owner: 'payments', ticket: 1234, experiment: true },
        defaultValue: 'classic',
      });
      const changed = await patch('/api/v1/features/checkout', {
        variants: { classic: 'classic', fast: 'one-click', beta: 'beta-flow', legacy: 'legacy' },
        metadata: { owner: 'payments', ticket: 1234, experiment: true },
      }).expect(200);
      expect(changed.body.variants).toEqual({ classic: 'classic', fast: 'one-click', beta: 'beta-flow', legacy: 'legacy' });
      const removing = await patch('/api/v1/features/checkout', { variants: { classic: 'classic' } });
      expectProblem(removing, 400, 'FEATURE_INVALID');
      expect(removing.body.errors).toContainEqual({
        field: 'variants.fast',
        messages: ['a variant cannot be removed: tenants may serve it'],
        pointer: '/variants/fast',
      });
      expectProblem(await patch('/api/v1/features/nope', { description: 'x' }), 404, 'FEATURE_NOT_FOUND');
    });

    it('refuses variants of the wrong type and defaults that name no variant, field by field', async () => {
      const response = await api(testApp, admin).post('/api/v1/features', {
        key: 'limit',
        type: 'number',
        variants: { low: 1, high: 'many' },
        defaultVariant: 'mid',
        offVariant: 'low',
        metadata: { nested: { no: true } },
      });
      expectProblem(response, 400, 'FEATURE_INVALID');
      expect(response.body.errors.map((error: { pointer: string }) => error.pointer)).toEqual([
        '/metadata/nested',
        '/variants/high',
        '/defaultVariant',
      ]);
      expectProblem(await api(testApp, admin).get('/api/v1/features/limit'), 404, 'FEATURE_NOT_FOUND');
    });
  });

  describe('rules and segments', () => {
    it('validates rules at write time with a JSON pointer to each fault', async () => {
      const response = await api(testApp, acme).put('/api/v1/tenants/acme/features/checkout', {
        enabled: true,
        rules: [
          {
            when: {
              all: [
                { attribute: 'age', op: 'gte', value: 18 },
                { attribute: 'plan', op: 'like', value: 'pro' },
              ],
            },
            variant: 'fast',
          },
          { when: { attribute: 'version', op: 'semver_gte', value: 'two' }, variant: 'nope' },
          { when: { segment: 'ghosts' }, variant: 'beta' },
        ],
        rollout: [{ variant: 'fast', weight: -1 }],
      });
      expectProblem(response, 400, 'FEATURE_INVALID');
      expect(response.body.errors.map((error: { pointer: string }) => error.pointer)).toEqual([
        '/rules/0/when/all/1/op',
        '/rules/1/when/value',
        '/rules/1/variant',
        '/rules/2/when/segment',
        '/rollout/0/weight',
      ]);
      expect(response.body.errors[0]).toEqual({
        field: 'rules.0.when.all.1.op',
        messages: [expect.stringMatching(/^must be one of eq, ne, in/)],
        pointer: '/rules/0/when/all/1/op',
      });
    });

    it('targets with nested conditions and a segment, and follows a segment change at once', async () => {
      const staff = await api(testApp, acme)
        .put('/api/v1/tenants/acme/segments/staff', {
          description: 'Employees',
          when: { attribute: 'email', op: 'ends_with', value: '@acme.test' },
        })
        .expect(201);
      expect(staff.body).toMatchObject({ key: 'staff', description: 'Employees' });
      await api(testApp, acme)
        .put('/api/v1/tenants/acme/features/checkout', {
          enabled: true,
          rules: [
            {
              name: 'staff on new apps',
              when: { all: [{ segment: 'staff' }, { attribute: 'appVersion', op: 'semver_gte', value: '2.1.0' }] },
              variant: 'beta',
            },
            {
              when: {
                any: [
                  { attribute: 'plan', op: 'in', value: ['pro', 'team'] },
                  { attribute: 'seats', op: 'gt', value: 10 },
                ],
              },
              variant: 'fast',
            },
          ],
        })
        .expect(200);
      const answer = async (context: Record<string, unknown>) => (await ofrep(acme, 'checkout', context).expect(200)).body;
      const metadata = { owner: 'payments', ticket: 1234, experiment: true };
      expect(await answer({ targetingKey: 'a', email: 'ann@acme.test', appVersion: '2.10.0' })).toEqual({
        key: 'checkout',
        value: 'beta-flow',
        reason: 'TARGETING_MATCH',
        variant: 'beta',
        metadata,
      });
      expect(await answer({ targetingKey: 'b', email: 'ann@acme.test', appVersion: '2.0.9', seats: 11 })).toMatchObject({
        variant: 'fast',
      });
      expect(await answer({ targetingKey: 'c', email: 'carl@else.test', plan: 'free' })).toMatchObject({
        variant: 'classic',
        reason: 'UNKNOWN',
      });

      await api(testApp, acme)
        .put('/api/v1/tenants/acme/segments/staff', { when: { attribute: 'email', op: 'ends_with', value: '@else.test' } })
        .expect(200);
      expect(await answer({ targetingKey: 'c', email: 'carl@else.test', appVersion: '3.0.0' })).toMatchObject({ variant: 'beta' });
      expect(await answer({ targetingKey: 'a', email: 'ann@acme.test', appVersion: '3.0.0' })).toMatchObject({ variant: 'classic' });
    });

    it('refuses to delete a segment a rule uses, and deletes it once none does', async () => {
      const inUse = await api(testApp, acme).delete('/api/v1/tenants/acme/segments/staff');
      expectProblem(inUse, 409, 'SEGMENT_IN_USE');
      expect(inUse.body.features).toEqual(['checkout']);
      await api(testApp, acme).put('/api/v1/tenants/acme/features/checkout', { enabled: true, rules: [] }).expect(200);
      await api(testApp, acme).delete('/api/v1/tenants/acme/segments/staff').expect(204);
      expectProblem(await api(testApp, acme).get('/api/v1/tenants/acme/segments/staff'), 404, 'SEGMENT_NOT_FOUND');
      expectProblem(await api(testApp, acme).delete('/api/v1/tenants/acme/segments/staff'), 404, 'SEGMENT_NOT_FOUND');
      expect((await api(testApp, acme).get('/api/v1/tenants/acme/segments').expect(200)).body).toEqual({ tenant: 'acme', items: [] });
    });

    it('records segment changes in the audit trail', async () => {
      const trail = await api(testApp, admin).get('/api/v1/tenants/acme/feature-changes').expect(200);
      const segmentChanges = (trail.body.items as { kind: string; key: string; before: unknown; after: unknown }[]).filter(
        (change) => change.kind === 'segment',
      );
      expect(segmentChanges).toEqual([
        expect.objectContaining({ key: 'staff', before: expect.objectContaining({ when: expect.any(Object) }), after: null }),
        expect.objectContaining({
          key: 'staff',
          after: { description: '', when: { attribute: 'email', op: 'ends_with', value: '@else.test' } },
        }),
        expect.objectContaining({ key: 'staff', before: null, after: expect.objectContaining({ description: 'Employees' }) }),
      ]);
    });

    it('refuses a segment that is not a condition, or names a segment', async () => {
      const bad = await api(testApp, acme).put('/api/v1/tenants/acme/segments/bad', { when: { any: [{ segment: 'staff' }] } });
      expectProblem(bad, 400, 'FEATURE_INVALID');
      expect(bad.body.errors).toEqual([
        { field: 'when.any.0.segment', messages: ['a segment cannot refer to a segment'], pointer: '/when/any/0/segment' },
      ]);
      expectProblem(await api(testApp, acme).put('/api/v1/tenants/acme/segments/bad', { when: 'everyone' }), 400, 'FEATURE_INVALID');
      expectProblem(await api(testApp, acme).put('/api/v1/tenants/acme/segments/bad', {}), 400, 'FEATURE_INVALID');
    });
  });

  describe('weighted rollout', () => {
    it('splits users across three variants by weight, the same user the same way, with SPLIT', async () => {
      await api(testApp, acme)
        .put('/api/v1/tenants/acme/features/checkout', {
          enabled: true,
          variant: 'classic',
          rollout: [
            { variant: 'classic', weight: 50 },
            { variant: 'fast', weight: 30 },
            { variant: 'beta', weight: 20 },
          ],
        })
        .expect(200);
      const counts: Record<string, number> = { classic: 0, fast: 0, beta: 0 };
      const bulk = async (targetingKey: string) =>
        (
          await request(testApp.url)
            .post('/ofrep/v1/evaluate/flags')
            .set('Authorization', `Bearer ${acme}`)
            .send({ context: { targetingKey } })
            .expect(200)
        ).body.flags.find((flag: { key: string }) => flag.key === 'checkout');
      for (let user = 0; user < 300; user += 1) {
        const flag = await bulk(`user-${user}`);
        expect(flag.reason).toBe('SPLIT');
        counts[flag.variant as string]! += 1;
      }
      expect(counts.classic).toBeGreaterThan(120);
      expect(counts.fast).toBeGreaterThan(60);
      expect(counts.beta).toBeGreaterThan(30);
      expect(await bulk('user-7')).toEqual(await bulk('user-7'));
      const missing = await ofrep(acme, 'checkout', {}).expect(400);
      expect(missing.body).toMatchObject({ key: 'checkout', errorCode: 'TARGETING_KEY_MISSING' });
    });

    it('answers DISABLED with the off variant whenever the flag is off, rollout or not', async () => {
      await api(testApp, acme).put('/api/v1/tenants/acme/features/checkout', { enabled: false }).expect(200);
      expect((await ofrep(acme, 'checkout', {}).expect(200)).body).toMatchObject({
        value: 'classic',
        variant: 'classic',
        reason: 'DISABLED',
      });
    });
  });

  describe('tenant isolation', () => {
    it('keeps one tenant’s segments from another tenant’s tokens and rules', async () => {
      await api(testApp, acme)
        .put('/api/v1/tenants/acme/segments/vip', { when: { attribute: 'plan', op: 'eq', value: 'vip' } })
        .expect(201);
      expectProblem(await api(testApp, globex).get('/api/v1/tenants/acme/segments'), 404, 'TENANT_NOT_FOUND');
      expectProblem(await api(testApp, globex).get('/api/v1/tenants/acme/segments/vip'), 404, 'TENANT_NOT_FOUND');
      expectProblem(
        await api(testApp, globex).put('/api/v1/tenants/acme/segments/vip', { when: { attribute: 'plan', op: 'exists' } }),
        404,
        'TENANT_NOT_FOUND',
      );
      expectProblem(await api(testApp, globex).delete('/api/v1/tenants/acme/segments/vip'), 404, 'TENANT_NOT_FOUND');
      const rule = { enabled: true, rules: [{ when: { segment: 'vip' }, variant: 'fast' }] };
      const refused = await api(testApp, globex).put('/api/v1/tenants/globex/features/checkout', rule);
      expectProblem(refused, 400, 'FEATURE_INVALID');
      expect(refused.body.errors).toEqual([expect.objectContaining({ pointer: '/rules/0/when/segment' })]);
      expect((await api(testApp, globex).get('/api/v1/tenants/globex/segments').expect(200)).body).toEqual({ tenant: 'globex', items: [] });

      // globex's own segment of the same key, in the pooled schema, decides only globex's answers.
      await api(testApp, globex)
        .put('/api/v1/tenants/globex/segments/vip', { when: { attribute: 'plan', op: 'eq', value: 'gold' } })
        .expect(201);
      await api(testApp, globex).put('/api/v1/tenants/globex/features/checkout', rule).expect(200);
      expect((await ofrep(globex, 'checkout', { plan: 'gold' }).expect(200)).body).toMatchObject({
        variant: 'fast',
        reason: 'TARGETING_MATCH',
      });
      expect((await ofrep(globex, 'checkout', { plan: 'vip' }).expect(200)).body).toMatchObject({ variant: 'classic', reason: 'UNKNOWN' });
      expect((await api(testApp, acme).get('/api/v1/tenants/acme/segments/vip').expect(200)).body).toMatchObject({
        when: { attribute: 'plan', op: 'eq', value: 'vip' },
      });
      expectProblem(await api(testApp, globex).delete('/api/v1/tenants/globex/segments/vip'), 409, 'SEGMENT_IN_USE');
      await api(testApp, acme).delete('/api/v1/tenants/acme/segments/vip').expect(204);
      expect((await api(testApp, globex).get('/api/v1/tenants/globex/segments/vip').expect(200)).body).toMatchObject({ key: 'vip' });
    });
  });
});
