// Fixtures for the authorization-code and refresh-token scenarios: a signed-in
// browser session driven over plain HTTP (cookie jar, our real sign-in and
// consent pages), then many silent authorizations, each yielding one code.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';

export const CALLBACK = 'http://127.0.0.1:9/cb';

class CookieJar {
  cookies = new Map();
  store(response) {
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const separator = pair.indexOf('=');
      this.cookies.set(pair.slice(0, separator), pair.slice(separator + 1));
    }
  }
  header() {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

async function step(jar, url, init = {}) {
  const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...init.headers, cookie: jar.header() } });
  jar.store(response);
  return response;
}

function csrfOf(html) {
  const match = /name="csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no csrf field on the page');
  return match[1];
}

export function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizeUrl(baseUrl, clientId, challenge, prompt) {
  const url = new URL(`${baseUrl}/oidc/auth`);
  url.search = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: CALLBACK,
    scope: 'openid offline_access features:read',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...(prompt ? { prompt } : {}),
  }).toString();
  return url;
}

/** Follows redirects until the callback; fills our pages on the way. Returns the code. */
async function authorize(jar, baseUrl, clientId, challenge, credentials, prompt) {
  let location = authorizeUrl(baseUrl, clientId, challenge, prompt).href;
  for (let hops = 0; hops < 12; hops += 1) {
    if (location.startsWith(CALLBACK)) {
      const code = new URL(location).searchParams.get('code');
      if (!code) throw new Error(`authorization failed: ${location}`);
      return code;
    }
    const response = await step(jar, location);
    if (response.status >= 300 && response.status < 400) {
      location = new URL(response.headers.get('location'), baseUrl).href;
      continue;
    }
    const html = await response.text();
    const uid = new URL(location).pathname.split('/').pop();
    const form = new URLSearchParams({ csrf: csrfOf(html) });
    let action = `${baseUrl}/interaction/${uid}/confirm`;
    if (html.includes('autocomplete="current-password"')) {
      form.set('email', credentials.email);
      form.set('password', credentials.password);
      action = `${baseUrl}/interaction/${uid}/login`;
    }
    const submitted = await step(jar, action, {
      method: 'POST',
      body: form,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    location = new URL(submitted.headers.get('location'), baseUrl).href;
  }
  throw new Error('too many redirects');
}

/** Registers a user and a confidential client of `tenant` and signs in once; `mint(count)` then mints codes. */
export async function codeMinter({ baseUrl, env, tenant }) {
  const credentials = { email: `bench-${randomBytes(3).toString('hex')}@bench.test`, password: 'benchmark passphrase' };
  const cli = (input, ...args) => {
    const result = spawnSync(process.execPath, ['dist/cli.js', ...args, '--json'], {
      env: { ...process.env, ...env },
      input,
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`cli ${args[0]}: ${result.stderr}`);
    return JSON.parse(result.stdout);
  };
  cli(credentials.password, 'users:create', '--tenant', tenant, '--email', credentials.email, '--password-stdin');
  const client = cli(
    undefined,
    'clients:create',
    '--name',
    'bench web app',
    '--tenant',
    tenant,
    '--grant',
    'authorization_code',
    '--grant',
    'refresh_token',
    '--scope',
    'openid offline_access features:read',
    '--redirect-uri',
    CALLBACK,
  );
  const jar = new CookieJar();
  const { verifier, challenge } = pkce();
  const basic = `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`;
  return {
    verifier,
    basic,
    async mint(count) {
      const codes = [];
      // prompt=consent on each: OpenID Connect grants offline_access (a refresh token) only with it.
      while (codes.length < count) codes.push(await authorize(jar, baseUrl, client.clientId, challenge, credentials, 'consent'));
      return codes;
    },
  };
}
