import { OFREPProvider } from '@openfeature/ofrep-provider';
import { OFREPWebProvider } from '@openfeature/ofrep-web-provider';
import { OpenFeature as ServerOpenFeature } from '@openfeature/server-sdk';
import { OpenFeature as WebOpenFeature } from '@openfeature/web-sdk';
import { EventSource } from 'eventsource';
import request from 'supertest';
import { ClientsService } from '../../src/oidc/clients.service.js';
import { api, clientWithToken, expectProblem } from '../support/api.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('OpenFeature Remote Evaluation Protocol (OFREP)', () => {
  let testApp: TestApp;
  let admin: string;
  let acmeToken: string;

  const ofrep = (token?: string) => {
    const agent = request(testApp.url);
    const auth = <T extends request.Test>(test: T): T => (token ? test.set('Authorization', `Bearer ${token}`) : test);
    return {
      one: (key: string, body: unknown = { context: { targetingKey: 'user-1' } }) =>
        auth(agent.post(`/ofrep/v1/evaluate/flags/${key}`)).send(body as object),
      all: (body: unknown = { context: { targetingKey: 'user-1' } }) => auth(agent.post('/ofrep/v1/evaluate/flags')).send(body as object),
    };
  };

  beforeAll(async () => {
    testApp = await startTestApp();
    const clients = testApp.app.get(ClientsService);
    admin = (await clientWithToken(testApp, clients)).token;
    await api(testApp, admin)
      .post('/api/v1/features', { key: 'new-checkout', description: 'The new checkout', defaultEnabled: false })
      .expect(201);
    await api(testApp, admin).post('/api/v1/features', { key: 'dark-mode', defaultEnabled: true }).expect(201);
    await api(testApp, admin).post('/api/v1/tenants', { slug: 'acme', placement: 'pooled' }).expect(201);
    await api(testApp, admin).post('/api/v1/tenants', { slug: 'globex' }).expect(201);
    await api(testApp, admin).put('/api/v1/tenants/globex/features/new-checkout', { enabled: true }).expect(200);
    acmeToken = (await clientWithToken(testApp, clients, { tenantSlug: 'acme', scopes: ['features:read'] })).token;
  });

  afterAll(async () => {
    await ServerOpenFeature.close();
    await WebOpenFeature.close();
    await testApp.close();
  });

  describe('over HTTP', () => {
    it('evaluates one flag for the token’s tenant', async () => {
      const response = await ofrep(acmeToken).one('new-checkout').expect(200);
      expect(response.body).toEqual({
        key: 'new-checkout',
        value: false,
        // 0.6.0: a flag that is off says DISABLED, and carries metadata only when the flag has some.
        reason: 'DISABLED',
        variant: 'off',
      });
    });

    it('answers an unknown flag, a bad context and a body that is not JSON in OFREP’s own format', async () => {
      expect((await ofrep(acmeToken).one('nope').expect(404)).body).toEqual({
        key: 'nope',
        errorCode: 'FLAG_NOT_FOUND',
        errorDetails: 'Flag "nope" was not found.',
      });
      expect((await ofrep(acmeToken).one('dark-mode', { context: 'me' }).expect(400)).body).toMatchObject({
        key: 'dark-mode',
        errorCode: 'INVALID_CONTEXT',
      });
      expect(
        (
          await ofrep(acmeToken)
            .all({ context: { targetingKey: 42 } })
            .expect(400)
        ).body,
      ).toMatchObject({ errorCode: 'INVALID_CONTEXT' });
      const unparsable = await request(testApp.url)
        .post('/ofrep/v1/evaluate/flags')
        .set('Authorization', `Bearer ${acmeToken}`)
        .set('Content-Type', 'application/json')
        .send('{"context": ')
        .expect(400);
      expect(unparsable.body).toMatchObject({ errorCode: 'PARSE_ERROR' });
    });

    it('takes the tenant from the token, never from the evaluation context', async () => {
      const context = { targetingKey: 'user-1', tenant: 'globex', tenantId: 'globex', tenant_id: 'globex' };
      expect((await ofrep(acmeToken).one('new-checkout', { context }).expect(200)).body.value).toBe(false);
      const all = await ofrep(acmeToken).all({ context }).expect(200);
      expect(all.body.metadata).toEqual({ tenant: 'acme' });
    });

    it('refuses a request without a token, without features:read, or from a platform client', async () => {
      expectProblem(await ofrep().all(), 401);
      expectProblem(await ofrep(admin).all(), 403, 'TENANT_TOKEN_REQUIRED');
      const writeOnly = await clientWithToken(testApp, testApp.app.get(ClientsService), { tenantSlug: 'acme', scopes: ['features:write'] });
      expectProblem(await ofrep(writeOnly.token).all(), 403, 'INSUFFICIENT_SCOPE');
    });

    it('tags the bulk answer, answers 304 while it holds, and a new tag once a flag changes', async () => {
      const first = await ofrep(acmeToken).all().expect(200);
      expect(first.body.flags).toEqual([
        expect.objectContaining({ key: 'dark-mode', value: true, reason: 'STATIC' }),
        expect.objectContaining({ key: 'new-checkout', value: false }),
      ]);
      const tag = first.headers.etag as string;
      expect(tag).toMatch(/^"[\w-]+"$/);
      const notModified = await ofrep(acmeToken).all().set('If-None-Match', tag).expect(304);
      expect(notModified.text).toBe('');

      await api(testApp, admin).put('/api/v1/tenants/acme/features/new-checkout', { enabled: true }).expect(200);
      const changed = await ofrep(acmeToken).all().set('If-None-Match', tag).expect(200);
      expect(changed.headers.etag).not.toBe(tag);
      expect(changed.body.flags).toContainEqual({ key: 'new-checkout', value: true, reason: 'STATIC', variant: 'on' });
      await api(testApp, admin).put('/api/v1/tenants/acme/features/new-checkout', { enabled: false }).expect(200);
    });

    it('points to a change stream an EventSource can open: a ticket in the URL, events that say only "re-fetch"', async () => {
      const bulk = await ofrep(acmeToken).all().expect(200);
      expect(bulk.body.eventStreams).toEqual([
        { type: 'sse', url: expect.stringMatching(/\/ofrep\/v1\/feature-events\?ticket=[\w.%-]+$/), inactivityDelaySec: 120 },
      ]);
      const url = bulk.body.eventStreams[0].url as string;
      expect(url.startsWith(testApp.baseUrl)).toBe(true);
      const source = new EventSource(url);
      try {
        const received = new Promise<MessageEvent>((resolve) => source.addEventListener('message', resolve, { once: true }));
        await new Promise((resolve) => source.addEventListener('open', resolve, { once: true }));
        await api(testApp, admin).put('/api/v1/tenants/acme/features/dark-mode', { enabled: false }).expect(200);
        const event = await received;
        expect(JSON.parse(event.data as string)).toEqual({ type: 'refetchEvaluation', lastModified: expect.any(Number) });
        expect(event.lastEventId).toMatch(/^\d+$/);
      } finally {
        source.close();
        await api(testApp, admin).put('/api/v1/tenants/acme/features/dark-mode', { enabled: true }).expect(200);
      }
      const forged = await fetch(url.replace(/ticket=[^&]+/, 'ticket=forged.ticket'));
      expect(forged.status).toBe(401);
      expect(await forged.json()).toMatchObject({ code: 'TOKEN_INVALID' });
    });

    it('tags the REST reads of flags too, with If-None-Match → 304', async () => {
      const first = await api(testApp, acmeToken).get('/api/v1/me/features').expect(200);
      expect(first.headers.etag).toBeDefined();
      await api(testApp, acmeToken)
        .get('/api/v1/me/features')
        .set('If-None-Match', first.headers.etag as string)
        .expect(304);
      const byAdmin = await api(testApp, admin).get('/api/v1/tenants/acme/features').expect(200);
      await api(testApp, admin)
        .get('/api/v1/tenants/acme/features')
        .set('If-None-Match', byAdmin.headers.etag as string)
        .expect(304);
    });
  });

  describe('typed flags, targeting and rollout', () => {
    beforeAll(async () => {
      await api(testApp, admin).post('/api/v1/features', { key: 'banner', type: 'string', defaultValue: 'classic' }).expect(201);
      await api(testApp, admin)
        .post('/api/v1/features', { key: 'limits', type: 'object', defaultValue: { seats: 5 } })
        .expect(201);
      await api(testApp, admin)
        .put('/api/v1/tenants/acme/features/banner', {
          enabled: true,
          value: 'spring',
          rules: [{ attribute: 'email', operator: 'ends_with', values: ['@acme.test'], value: 'staff' }],
        })
        .expect(200);
    });

    it('creates typed flags and refuses values of another type', async () => {
      const catalogue = await api(testApp, admin).get('/api/v1/features').expect(200);
      expect(catalogue.body.items).toContainEqual(expect.objectContaining({ key: 'banner', type: 'string', defaultValue: 'classic' }));
      expectProblem(await api(testApp, admin).post('/api/v1/features', { key: 'no-default', type: 'number' }), 400, 'FEATURE_INVALID');
      expectProblem(await api(testApp, admin).post('/api/v1/features', { key: 'odd', defaultValue: 'yes' }), 400, 'FEATURE_INVALID');
      expectProblem(
        await api(testApp, admin).put('/api/v1/tenants/acme/features/banner', { enabled: true, value: 42 }),
        400,
        'FEATURE_INVALID',
      );
      expectProblem(
        await api(testApp, admin).put('/api/v1/tenants/acme/features/banner', {
          enabled: true,
          rules: [{ attribute: 'plan', operator: 'like', values: [] }],
        }),
        400,
      );
      expectProblem(
        await api(testApp, admin).put('/api/v1/tenants/acme/features/new-checkout', { enabled: true, rollout: { percentage: 101 } }),
        400,
      );
    });

    it('serves a typed value, and a targeted one to users a rule matches', async () => {
      const staff = await ofrep(acmeToken)
        .one('banner', { context: { targetingKey: 'ann', email: 'ann@acme.test' } })
        .expect(200);
      expect(staff.body).toMatchObject({ value: 'staff', reason: 'TARGETING_MATCH', variant: 'rule-1' });
      const customer = await ofrep(acmeToken)
        .one('banner', { context: { targetingKey: 'bob', email: 'bob@else.test' } })
        .expect(200);
      // 0.6.0: rules that match no one serve the flag's variant by default, which OFREP can only call UNKNOWN.
      expect(customer.body).toEqual({ key: 'banner', value: 'spring', reason: 'UNKNOWN', variant: 'on' });
      const limits = await ofrep(acmeToken).one('limits').expect(200);
      expect(limits.body).toEqual({ key: 'limits', value: { seats: 5 }, reason: 'DISABLED', variant: 'default' });
      const rest = await api(testApp, acmeToken).get('/api/v1/me/features').expect(200);
      expect(rest.body.items).toContainEqual(
        expect.objectContaining({
          key: 'banner',
          type: 'string',
          value: 'spring',
          variants: { default: 'classic', on: 'spring', 'rule-1': 'staff' },
          rules: [{ name: 'rule-1', when: { attribute: 'email', op: 'ends_with', value: ['@acme.test'] }, variant: 'rule-1' }],
        }),
      );
    });

    it('rolls a flag out to a share of users, the same users every time, and needs a targeting key for it', async () => {
      await api(testApp, admin)
        .put('/api/v1/tenants/acme/features/new-checkout', { enabled: true, rollout: { percentage: 50 } })
        .expect(200);
      try {
        const evaluate = async () => {
          const answers: boolean[] = [];
          for (let index = 0; index < 200; index += 1) {
            const answer = await ofrep(acmeToken)
              .one('new-checkout', { context: { targetingKey: `user-${index}` } })
              .expect(200);
            expect(answer.body.reason).toBe('SPLIT');
            answers.push(answer.body.value as boolean);
          }
          return answers;
        };
        const first = await evaluate();
        const share = first.filter(Boolean).length / first.length;
        expect(share).toBeGreaterThan(0.35);
        expect(share).toBeLessThan(0.65);
        expect(await evaluate()).toEqual(first);

        expect((await ofrep(acmeToken).one('new-checkout', { context: {} }).expect(400)).body).toMatchObject({
          errorCode: 'TARGETING_KEY_MISSING',
        });
        const bulk = await ofrep(acmeToken).all({ context: {} }).expect(200);
        expect(bulk.body.flags).toContainEqual(expect.objectContaining({ key: 'new-checkout', errorCode: 'TARGETING_KEY_MISSING' }));
        expect(bulk.body.flags).toContainEqual(expect.objectContaining({ key: 'dark-mode', value: true }));
      } finally {
        await api(testApp, admin)
          .put('/api/v1/tenants/acme/features/new-checkout', { enabled: false, rules: [], rollout: null })
          .expect(200);
      }
    });

    it('records the targeting in the audit trail', async () => {
      const trail = await api(testApp, admin).get('/api/v1/tenants/acme/feature-changes').expect(200);
      expect(trail.body.items).toContainEqual(
        expect.objectContaining({
          key: 'banner',
          after: expect.objectContaining({
            variant: 'on',
            variants: { on: 'spring', 'rule-1': 'staff' },
            rules: [expect.objectContaining({ when: { attribute: 'email', op: 'ends_with', value: ['@acme.test'] } })],
          }),
        }),
      );
    });
  });

  describe('through the official OpenFeature SDKs', () => {
    const toggle = (enabled: boolean) => api(testApp, admin).put('/api/v1/tenants/acme/features/new-checkout', { enabled }).expect(200);

    it('server SDK with @openfeature/ofrep-provider sees a toggle take effect', async () => {
      await ServerOpenFeature.setProviderAndWait(
        new OFREPProvider({ baseUrl: testApp.url, headers: [['Authorization', `Bearer ${acmeToken}`]] }),
      );
      const client = ServerOpenFeature.getClient();
      const context = { targetingKey: 'user-1' };
      expect(await client.getBooleanValue('new-checkout', true, context)).toBe(false);
      expect(await client.getBooleanValue('dark-mode', false, context)).toBe(true);
      const missing = await client.getBooleanDetails('no-such-flag', true, context);
      expect(missing).toMatchObject({ value: true, errorCode: 'FLAG_NOT_FOUND' });

      await toggle(true);
      expect(await client.getBooleanDetails('new-checkout', false, context)).toMatchObject({
        value: true,
        reason: 'STATIC',
        variant: 'on',
      });
      await toggle(false);
      expect(await client.getStringValue('banner', 'none', { targetingKey: 'ann', email: 'ann@acme.test' })).toBe('staff');
      expect(await client.getObjectValue('limits', {}, context)).toEqual({ seats: 5 });
    });

    it('web SDK with @openfeature/ofrep-web-provider sees a toggle take effect, pushed over the change stream (no polling)', async () => {
      // Node 20 has no global EventSource; browsers do. The provider opens the stream the bulk answer points to.
      (globalThis as { EventSource?: unknown }).EventSource = EventSource;
      await WebOpenFeature.setContext({ targetingKey: 'user-1' });
      await WebOpenFeature.setProviderAndWait(
        new OFREPWebProvider({ baseUrl: testApp.url, headers: [['Authorization', `Bearer ${acmeToken}`]], pollInterval: 0 }),
      );
      const client = WebOpenFeature.getClient();
      expect(client.getBooleanValue('new-checkout', true)).toBe(false);
      await toggle(true);
      await waitFor(() => client.getBooleanValue('new-checkout', false));
      expect(client.getBooleanDetails('new-checkout', false)).toMatchObject({ value: true, reason: 'STATIC' });
      await toggle(false);
    });
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
