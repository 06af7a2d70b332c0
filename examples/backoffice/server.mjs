// The company's own back-office: a small server that holds a platform client's
// credentials, gets tokens with the client credentials grant (openid-client)
// and calls Tenantry's API for the page it serves. The secret and the tokens
// stay on this server; the browser only sees this server's own /api.
//
//   TENANTRY_URL=http://localhost:3000 CLIENT_ID=... CLIENT_SECRET=... node examples/backoffice/server.mjs
//
// It has no sign-in of its own: run it behind the company's single sign-on, never on a public address.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as oidc from 'openid-client';

const here = dirname(fileURLToPath(import.meta.url));
const env = process.env;
const tenantryUrl = new URL(env.TENANTRY_URL ?? 'http://localhost:3000').href.replace(/\/$/, '');
if (!env.CLIENT_ID || !env.CLIENT_SECRET) {
  console.error('CLIENT_ID and CLIENT_SECRET are required: a platform client (see examples/backoffice/README.md)');
  process.exit(2);
}
const port = Number(env.PORT ?? 8081);
const host = env.HOST ?? '127.0.0.1';
const SCOPE = 'tenants:read features:read features:write';
const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
const FLAG_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

const issuer = new URL(env.ISSUER ?? `${tenantryUrl}/oidc`);
const configuration = await oidc.discovery(
  issuer,
  env.CLIENT_ID,
  undefined,
  oidc.ClientSecretBasic(env.CLIENT_SECRET),
  issuer.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : {},
);

/** @type {{ value: string, renewAt: number } | undefined} */
let token;
/** A token for the API, reused until shortly before it expires. */
async function accessToken() {
  if (token && Date.now() < token.renewAt) return token.value;
  const granted = await oidc.clientCredentialsGrant(configuration, { scope: SCOPE });
  const lifetimeMs = (granted.expiresIn() ?? 60) * 1000;
  token = { value: granted.access_token, renewAt: Date.now() + lifetimeMs * 0.8 };
  return token.value;
}

/**
 * One call to Tenantry's API, its answer passed through (status, body, ETag).
 * @param {string} method
 * @param {string} path
 * @param {{ body?: string, ifMatch?: string }} [options]
 */
async function callTenantry(method, path, options = {}) {
  /** @type {Record<string, string>} */
  const headers = { authorization: `Bearer ${await accessToken()}`, accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.ifMatch) headers['if-match'] = options.ifMatch;
  const answer = await fetch(`${tenantryUrl}/api/v1${path}`, { method, headers, body: options.body });
  return { status: answer.status, type: answer.headers.get('content-type'), etag: answer.headers.get('etag'), body: await answer.text() };
}

/** @param {import('node:http').IncomingMessage} request */
async function readBody(request) {
  let body = '';
  for await (const chunk of request) {
    body += chunk;
    if (body.length > 4096) throw new Error('body too large');
  }
  return body;
}

/** @param {string} text @returns {{ enabled?: unknown } | undefined} */
function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * This server's /api: an allow-list of the calls the page makes, nothing forwarded blindly.
 * @param {import('node:http').IncomingMessage} request
 * @param {string[]} parts the path after /api/
 */
async function api(request, parts) {
  const [collection, slug, sub, key] = parts;
  if (collection !== 'tenants') return undefined;
  if (parts.length === 1 && request.method === 'GET') return callTenantry('GET', '/tenants?limit=100');
  if (!slug || !SLUG.test(slug)) return undefined;
  if (parts.length === 3 && sub === 'features' && request.method === 'GET') return callTenantry('GET', `/tenants/${slug}/features`);
  if (parts.length === 3 && sub === 'feature-changes' && request.method === 'GET')
    return callTenantry('GET', `/tenants/${slug}/feature-changes?limit=10`);
  if (parts.length !== 4 || sub !== 'features' || !key || !FLAG_KEY.test(key)) return undefined;
  if (request.method === 'GET') return callTenantry('GET', `/tenants/${slug}/features/${key}`);
  if (request.method !== 'PUT') return undefined;
  const enabled = parseJson(await readBody(request))?.enabled;
  if (typeof enabled !== 'boolean')
    return { status: 400, type: 'application/json', etag: null, body: '{"error":"enabled must be true or false"}' };
  const ifMatch = request.headers['if-match'];
  return callTenantry('PUT', `/tenants/${slug}/features/${key}`, { body: JSON.stringify({ enabled }), ifMatch });
}

const ownOrigin = `http://${host}:${port}`;
const contentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
const STATIC = new Map([
  ['/', ['index.html', 'text/html; charset=utf-8']],
  ['/app.mjs', ['app.mjs', 'text/javascript']],
  ['/app.css', ['app.css', 'text/css']],
]);

const server = createServer((request, response) => {
  const path = new URL(request.url ?? '/', ownOrigin).pathname;
  const headers = { 'content-security-policy': contentSecurityPolicy, 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' };
  if (path === '/favicon.ico') {
    response.writeHead(204, headers).end();
    return;
  }
  const served = STATIC.get(path);
  if (served && request.method === 'GET') {
    response.writeHead(200, { ...headers, 'content-type': served[1] }).end(readFileSync(join(here, 'public', served[0])));
    return;
  }
  if (!path.startsWith('/api/')) {
    response.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end('not found');
    return;
  }
  // A change must come from this page: a cross-site form or script gets nothing done with our credentials.
  const origin = request.headers.origin;
  if (request.method !== 'GET' && (!origin || URL.parse(origin)?.host !== request.headers.host)) {
    response.writeHead(403, { ...headers, 'content-type': 'text/plain' }).end('cross-origin request refused');
    return;
  }
  api(request, path.slice('/api/'.length).split('/'))
    .then((answer) => {
      if (!answer) return response.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end('not found');
      const out = { ...headers, 'content-type': answer.type ?? 'application/json', ...(answer.etag ? { etag: answer.etag } : {}) };
      return response.writeHead(answer.status, out).end(answer.body);
    })
    .catch((error) => {
      console.error(`backoffice: ${request.method} ${path} failed: ${error instanceof Error ? error.message : String(error)}`);
      response.writeHead(502, { ...headers, 'content-type': 'text/plain' }).end('Tenantry could not be reached');
    });
});

server.listen(port, host, () => console.log(`backoffice listening on ${ownOrigin} (Tenantry at ${tenantryUrl})`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.on('SIGINT', () => server.close(() => process.exit(0)));
