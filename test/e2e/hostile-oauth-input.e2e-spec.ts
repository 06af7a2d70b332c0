import { ClientsService } from '../../src/oidc/clients.service.js';
import { clientWithToken } from '../support/api.js';
import type { CallbackServer } from '../support/browser.js';
import { Findings, send, UNREADABLE_ESCAPES, type Outcome } from '../support/hostile.js';
import { tenantWithUserAndClient, type TenantFixture } from '../support/oidc-fixture.js';
import { rawExchange, requestHead } from '../support/raw-http.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const FORM = 'application/x-www-form-urlencoded';
const HTML = 'text/html';

/** Query or form parameters, with one of them given as already-encoded text. */
function encode(parameters: Record<string, string>, hostile?: string, encoded?: string): string {
  return Object.entries(parameters)
    .map(([name, value]) => `${name}=${name === hostile ? encoded : encodeURIComponent(value)}`)
    .join('&');
}

/** The cookies a response sets, as a Cookie header. */
function cookiesOf(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(';')[0])
    .join('; ');
}

describe('hostile input to the authorization server and the sign-in and device pages', () => {
  let testApp: TestApp;
  let basic: string;
  let acme: TenantFixture;
  // No browser comes back to the application here: the redirect URI only has to be registered.
  const app = { callback: 'http://127.0.0.1:9/cb', loggedOut: 'http://127.0.0.1:9/bye' } as CallbackServer;

  beforeAll(async () => {
    testApp = await startTestApp();
    const admin = await clientWithToken(testApp, testApp.app.get(ClientsService));
    basic = `Basic ${Buffer.from(`${admin.clientId}:${admin.clientSecret}`).toString('base64')}`;
    acme = await tenantWithUserAndClient(testApp, 'acme', 'ada@acme.test', app);
  });

  afterAll(async () => {
    await testApp.close();
  });

  const authorization = () => ({
    client_id: acme.clientId,
    response_type: 'code',
    scope: 'openid email',
    redirect_uri: app.callback,
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
    state: 'state-1',
    nonce: 'nonce-1',
    login_hint: 'ada@acme.test',
  });

  it('refuses every token grant’s parameters that cannot be decoded or stored with invalid_request', async () => {
    const grants: Record<string, Record<string, string>> = {
      client_credentials: { grant_type: 'client_credentials', scope: 'features:read' },
      authorization_code: {
        grant_type: 'authorization_code',
        code: 'abc',
        redirect_uri: app.callback,
        code_verifier: 'v'.repeat(43),
        client_id: acme.clientId,
      },
      refresh_token: { grant_type: 'refresh_token', refresh_token: 'abc', client_id: acme.clientId },
      device_code: { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: 'abc', client_id: acme.clientId },
    };
    const findings = new Findings();
    for (const [grant, parameters] of Object.entries(grants)) {
      const headers = { 'content-type': FORM, ...(grant === 'client_credentials' ? { authorization: basic } : {}) };
      for (const name of Object.keys(parameters))
        for (const [label, value] of Object.entries(UNREADABLE_ESCAPES)) {
          const outcome = await send(testApp, '/oidc/token', { method: 'POST', headers, body: encode(parameters, name, value) });
          findings.check(`${grant} ${name} ${label}`, '/oidc/token', outcome, 400);
          if ('body' in outcome && outcome.status === 400 && !outcome.body.includes('invalid_request'))
            findings.items.push(`${grant} ${name} ${label}: ${outcome.body}`);
        }
      const repeated = await send(testApp, '/oidc/token', { method: 'POST', headers, body: `${encode(parameters)}&${encode(parameters)}` });
      findings.check(`${grant} repeated`, '/oidc/token', repeated, 400);
      const json = await send(testApp, '/oidc/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":' });
      findings.check(`${grant} JSON`, '/oidc/token', json, 400);
    }
    expect(findings.items).toEqual([]);
  });

  it('refuses such parameters to introspection and revocation, authenticated or not', async () => {
    const findings = new Findings();
    for (const path of ['/oidc/token/introspection', '/oidc/token/revocation'])
      for (const [label, value] of Object.entries(UNREADABLE_ESCAPES)) {
        for (const body of [`token=${value}`, `token=abc&token_type_hint=${value}`]) {
          const outcome = await send(testApp, path, { method: 'POST', headers: { 'content-type': FORM, authorization: basic }, body });
          findings.check(`${path} ${body} ${label}`, path, outcome, 400);
        }
        const unauthenticated = await send(testApp, path, {
          method: 'POST',
          headers: { 'content-type': FORM },
          body: `token=a&client_id=${value}`,
        });
        findings.check(`${path} client_id ${label}`, path, unauthenticated, 400);
        const query = await send(testApp, `${path}?x=${value}`, {
          method: 'POST',
          headers: { 'content-type': FORM, authorization: basic },
          body: 'token=a',
        });
        findings.check(`${path} query ${label}`, path, query, 400);
      }
    expect(findings.items).toEqual([]);
  });

  it('refuses authorization requests with such parameters: OAuth JSON, or the error page for a browser', async () => {
    const findings = new Findings();
    for (const name of Object.keys(authorization()))
      for (const [label, value] of Object.entries(UNREADABLE_ESCAPES)) {
        const url = `/oidc/auth?${encode(authorization(), name, value)}`;
        findings.check(`${name} ${label}`, url, await send(testApp, url), 400);
        const page = await send(testApp, url, { headers: { accept: HTML } });
        findings.check(`${name} ${label} (browser)`, url, page, 400);
        if ('contentType' in page && !page.contentType.startsWith(HTML))
          findings.items.push(`${name} ${label}: browser got ${page.contentType}`);
      }
    const repeated = `/oidc/auth?${encode(authorization())}&${encode(authorization())}`;
    findings.check('repeated', repeated, await send(testApp, repeated, { headers: { accept: HTML } }), 400);
    const post = await send(testApp, '/oidc/auth', {
      method: 'POST',
      headers: { 'content-type': FORM },
      body: encode(authorization(), 'login_hint', '%00'),
    });
    findings.check('POST', '/oidc/auth', post);
    expect(findings.items).toEqual([]);
  });

  it('refuses such input to userinfo, device authorization, end-session and unknown provider paths', async () => {
    const findings = new Findings();
    for (const [label, value] of Object.entries(UNREADABLE_ESCAPES)) {
      const checks: [string, RequestInit, number | undefined][] = [
        [`/oidc/me?access_token=${value}`, {}, 400],
        ['/oidc/me', { headers: { authorization: `Bearer ${value}` } }, undefined],
        ['/oidc/device/auth', { method: 'POST', headers: { 'content-type': FORM }, body: `client_id=${value}&scope=openid` }, 400],
        [
          '/oidc/device/auth',
          { method: 'POST', headers: { 'content-type': FORM }, body: `client_id=${acme.clientId}&scope=${value}` },
          400,
        ],
        [`/oidc/session/end?client_id=${value}&state=s`, { headers: { accept: HTML } }, 400],
        [`/oidc/session/end?id_token_hint=${value}`, {}, 400],
        ['/oidc/session/end/confirm', { method: 'POST', headers: { 'content-type': FORM }, body: `xsrf=${value}&logout=yes` }, 400],
        [`/oidc/${value}`, {}, 400],
        [`/oidc/jwks?x=${value}`, {}, 400],
        [`/oidc/.well-known/openid-configuration?x=${value}`, {}, 400],
      ];
      for (const [url, init, status] of checks) findings.check(`${url} ${label}`, url, await send(testApp, url, init), status);
    }
    for (const authorization of ['Bearer a b', `Bearer ${'x'.repeat(8_000)}`, 'Bearer \u00e9', 'Basic Og=='])
      findings.check(`userinfo ${authorization.slice(0, 12)}`, '/oidc/me', await send(testApp, '/oidc/me', { headers: { authorization } }));
    expect(findings.items).toEqual([]);
  });

  it('answers garbage cookies on the provider’s and the sign-in pages without a 5xx', async () => {
    const findings = new Findings();
    const cookies = [
      '_session=%00; _session.sig=%zz',
      '_interaction=\u00ff\u00fe; _interaction.sig=x',
      `_session=${'x'.repeat(6_000)}`,
      '_session=a; _session=b',
      '_session.legacy=%ED%A0%80',
      '%00=%00',
      '_session=a, b=c;;; ===',
    ];
    for (const cookie of cookies)
      for (const [url, init] of [
        [`/oidc/auth?${encode(authorization())}`, {}],
        ['/oidc/device', {}],
        ['/oidc/device', { method: 'POST', headers: { 'content-type': FORM }, body: 'xsrf=a&user_code=ABCD-EFGH' }],
        ['/oidc/session/end', {}],
        ['/interaction/abc', {}],
        ['/interaction/abc/login', { method: 'POST', headers: { 'content-type': FORM }, body: 'email=a&password=b&csrf=c' }],
      ] as [string, RequestInit][]) {
        const headers = { ...(init.headers as Record<string, string> | undefined), cookie };
        findings.check(`${cookie.slice(0, 30)}`, url, await send(testApp, url, { ...init, headers }));
      }
    expect(findings.items).toEqual([]);
  });

  describe('device pages', () => {
    const confirmForm = (body: string, cookie?: string): RequestInit => ({
      method: 'POST',
      headers: { 'content-type': FORM, accept: HTML, ...(cookie ? { cookie } : {}) },
      body,
    });

    it.each([
      ['a bad xsrf', 'xsrf=abc&user_code=ABCD-EFGH'],
      ['no xsrf', 'user_code=ABCD-EFGH'],
      ['nothing', ''],
      ['repeated fields', 'xsrf=a&xsrf=b&user_code=a&user_code=b'],
    ])('answers a code form with %s and no session with the error page (was a 500)', async (_label, body) => {
      const outcome = (await send(testApp, '/oidc/device', confirmForm(body))) as Outcome;
      expect(outcome).toMatchObject({ status: 400, contentType: expect.stringMatching(/^text\/html/) });
      expect(outcome.body).toContain('invalid_request');
    });

    it('answers it as OAuth JSON to a client that does not ask for HTML', async () => {
      const outcome = (await send(testApp, '/oidc/device', {
        method: 'POST',
        headers: { 'content-type': FORM },
        body: 'user_code=x',
      })) as Outcome;
      expect(outcome.status).toBe(400);
      expect(JSON.parse(outcome.body)).toMatchObject({ error: 'invalid_request' });
    });

    it('answers a resumed device step without a session with the error page (was a 500)', async () => {
      const outcome = (await send(testApp, '/oidc/device/garbage-uid', { headers: { accept: HTML } })) as Outcome;
      expect(outcome).toMatchObject({ status: 400, contentType: expect.stringMatching(/^text\/html/) });
    });

    it('re-renders the code form for a bad xsrf, a garbage code or repeated fields within a session', async () => {
      const page = await fetch(`${testApp.url}/oidc/device`);
      expect(page.status).toBe(200);
      const cookie = cookiesOf(page);
      const xsrf = /name="xsrf" value="([^"]+)"/.exec(await page.text())![1]!;
      const findings = new Findings();
      for (const body of [
        `xsrf=wrong&user_code=ABCD-EFGH`,
        `user_code=ABCD-EFGH`,
        `xsrf=${xsrf}&user_code=${encodeURIComponent('x'.repeat(5_000))}`,
        `xsrf=${xsrf}&user_code=%E2%9C%93%E2%9C%93`,
        `xsrf=${xsrf}&user_code=ABCD-EFGH`,
        `xsrf=${xsrf}&xsrf=${xsrf}&user_code=ABCD-EFGH`,
        `xsrf=${xsrf}&user_code=%00`,
      ]) {
        const outcome = await send(testApp, '/oidc/device', confirmForm(body, cookie));
        findings.check(body.slice(0, 60), '/oidc/device', outcome);
      }
      expect(findings.items).toEqual([]);
    });
  });

  describe('sign-in pages', () => {
    /** Starts a sign-in and returns its page's address, cookies and anti-CSRF value. */
    async function startSignIn(): Promise<{ page: string; cookie: string; csrf: string }> {
      const start = await fetch(`${testApp.url}/oidc/auth?${encode({ ...authorization(), prompt: 'login' })}`, { redirect: 'manual' });
      expect(start.status).toBe(303);
      const page = start.headers.get('location')!;
      const cookie = cookiesOf(start);
      const html = await (await fetch(`${testApp.url}${page}`, { headers: { cookie } })).text();
      return { page, cookie, csrf: /name="csrf" value="([^"]+)"/.exec(html)![1]! };
    }

    it('answers garbage interaction ids on every step without a 5xx', async () => {
      const findings = new Findings();
      for (const uid of [...Object.values(UNREADABLE_ESCAPES), 'x'.repeat(3_000), 'abc'])
        for (const step of ['', '/login', '/confirm', '/abort']) {
          const url = `/interaction/${uid}${step}`;
          const init: RequestInit = step ? { method: 'POST', headers: { 'content-type': FORM }, body: 'csrf=a&email=a&password=b' } : {};
          findings.check(`${uid.slice(0, 12)}${step}`, url, await send(testApp, url, init));
        }
      expect(findings.items).toEqual([]);
    });

    it('refuses a NUL, a lone surrogate or an undecodable escape in the email or password with a 400 (the email was a 500)', async () => {
      const { page, cookie, csrf } = await startSignIn();
      const findings = new Findings();
      const form = (body: string): RequestInit => ({ method: 'POST', headers: { 'content-type': FORM, cookie }, body });
      for (const [label, value] of Object.entries(UNREADABLE_ESCAPES)) {
        for (const body of [`csrf=${csrf}&email=${value}%40acme.test&password=x`, `csrf=${csrf}&email=ada%40acme.test&password=${value}`])
          findings.check(`${label} ${body.slice(50, 90)}`, `${page}/login`, await send(testApp, `${page}/login`, form(body)), 400);
      }
      const json = {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: `{"csrf":"${csrf}","email":"\\ud800@acme.test","password":"x"}`,
      };
      findings.check('JSON lone surrogate', `${page}/login`, await send(testApp, `${page}/login`, json), 400);
      findings.check('no csrf', `${page}/login`, await send(testApp, `${page}/login`, form('email=a&password=b')), 403);
      findings.check(
        'repeated email',
        `${page}/login`,
        await send(testApp, `${page}/login`, form(`csrf=${csrf}&email=a&email=b&password=x`)),
        401,
      );
      findings.check('nested names', `${page}/login`, await send(testApp, `${page}/login`, form('csrf[a]=1&email[b][c]=1')), 403);
      findings.check('consent before sign-in', `${page}/confirm`, await send(testApp, `${page}/confirm`, form(`csrf=${csrf}`)), 400);
      expect(findings.items).toEqual([]);
      // The sign-in still works after all that.
      const signedIn = await fetch(`${testApp.url}${page}/login`, {
        ...form(`csrf=${csrf}&email=ada%40acme.test&password=${encodeURIComponent('a long enough passphrase')}`),
        redirect: 'manual',
      });
      expect(signedIn.status).toBe(303);
    });
  });

  describe('refused bodies and the connection they came on', () => {
    const port = () => Number(new URL(testApp.url).port);
    const health = requestHead('GET', '/health/live');
    const formRequest = (path: string, body: string) =>
      requestHead('POST', path, { 'content-type': FORM, 'content-length': Buffer.byteLength(body), authorization: basic });

    it.each(['/oidc/token/introspection', '/oidc/token/revocation', '/oidc/token'])(
      'answers an over-limit body to %s with invalid_request and then the next request on the connection (was a reset)',
      async (path) => {
        for (const size of [70_000, 600_000]) {
          const body = `token=${'x'.repeat(size)}`;
          const { responses, ending } = await rawExchange(port(), [formRequest(path, body), body, health]);
          expect([size, responses.map((response) => response.status)]).toEqual([size, [400, 200]]);
          expect(JSON.parse(responses[0]!.body)).toMatchObject({ error: 'invalid_request' });
          expect(ending).toBe('closed-by-us');
        }
      },
    );

    it('closes cleanly, after its answer, a connection whose body is too large to drain', async () => {
      const body = `token=${'x'.repeat(3_000_000)}`;
      const { responses, ending } = await rawExchange(port(), [formRequest('/oidc/token/introspection', body), body, health], 5_000);
      expect(responses.map((response) => response.status)).toEqual([400]);
      expect(ending).toBe('closed-by-server');
    });
  });

  it('is still serving, and its provider reported no server error', async () => {
    expect((await fetch(`${testApp.url}/health/live`)).status).toBe(200);
    expect(testApp.logs.filter((line) => /authorization server error|unhandled error/.test(line))).toEqual([]);
  });
});
