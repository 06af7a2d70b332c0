// The tenant's single-page app, served from its own origin: static files, the
// browser libraries straight from node_modules (an import map, no bundler, no
// CDN) and /config.json built from the environment. It holds no secret: the
// client is public (PKCE) and the publishable key is meant to be in the page.
//
//   TENANTRY_URL=http://localhost:3000 CLIENT_ID=... PUBLISHABLE_KEY=tpk_... node examples/tenant-app/server.mjs
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const env = process.env;
const tenantryUrl = new URL(env.TENANTRY_URL ?? 'http://localhost:3000').href.replace(/\/$/, '');
const clientId = env.CLIENT_ID;
if (!clientId) {
  console.error('CLIENT_ID is required: the id of a public client of the tenant (see examples/tenant-app/README.md)');
  process.exit(2);
}
const port = Number(env.PORT ?? 8080);
const host = env.HOST ?? '127.0.0.1';

const config = JSON.stringify({
  tenantryUrl,
  issuer: env.ISSUER ?? `${tenantryUrl}/oidc`,
  clientId,
  publishableKey: env.PUBLISHABLE_KEY ?? null,
  tenant: env.TENANT ?? null,
  flags: (env.FLAGS ?? 'new-dashboard').split(',').filter(Boolean),
  bannerFlag: env.BANNER_FLAG ?? 'banner',
  bannerText: env.BANNER_TEXT ?? 'Something new is waiting for you: sign in to try it.',
});

/**
 * Where a package's ES module build is, resolved the way Node resolves the
 * package from `from` (so nested versions are found): its directory, then
 * the given file inside it.
 * @param {string} name
 * @param {string} file
 * @param {string} from
 */
function packageFile(name, file, from = join(here, 'server.mjs')) {
  const entry = createRequire(from).resolve(name);
  const marker = `${sep}node_modules${sep}${name.split('/').join(sep)}${sep}`;
  const root = entry.slice(0, entry.lastIndexOf(marker) + marker.length);
  return join(root, file);
}

const ofrepWebProvider = packageFile('@openfeature/ofrep-web-provider', 'index.esm.js');
/** Bare specifier → the file served at /vendor/<specifier>.js (the import map in index.html names the same URLs). */
const vendor = new Map([
  ['oauth4webapi', packageFile('oauth4webapi', 'build/index.js')],
  ['@openfeature/core', packageFile('@openfeature/core', 'dist/esm/index.js')],
  ['@openfeature/web-sdk', packageFile('@openfeature/web-sdk', 'dist/esm/index.js')],
  ['@openfeature/ofrep-web-provider', ofrepWebProvider],
  ['@openfeature/ofrep-core', packageFile('@openfeature/ofrep-core', 'index.esm.js', ofrepWebProvider)],
]);

const index = readFileSync(join(here, 'public', 'index.html'), 'utf8');
const importMap = /<script type="importmap">([\s\S]*?)<\/script>/.exec(index)?.[1] ?? '';
const tenantryOrigin = new URL(tenantryUrl).origin;
// The page talks to its own origin and to Tenantry, nothing else; the inline import map is allowed by its hash.
const contentSecurityPolicy = [
  "default-src 'self'",
  `script-src 'self' 'sha256-${createHash('sha256').update(importMap).digest('base64')}'`,
  `connect-src 'self' ${tenantryOrigin}`,
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const TYPES = { '.html': 'text/html; charset=utf-8', '.mjs': 'text/javascript', '.css': 'text/css' };
/** @type {Map<string, {file: string, type: string}>} */
const files = new Map([
  ['/', { file: join(here, 'public', 'index.html'), type: TYPES['.html'] }],
  // The redirect URI: the same page, which completes the sign-in.
  ['/callback', { file: join(here, 'public', 'index.html'), type: TYPES['.html'] }],
  ['/app.mjs', { file: join(here, 'public', 'app.mjs'), type: TYPES['.mjs'] }],
  ['/app.css', { file: join(here, 'public', 'app.css'), type: TYPES['.css'] }],
  ...[...vendor].map(([specifier, file]) => /** @type {const} */ ([`/vendor/${specifier}.js`, { file, type: TYPES['.mjs'] }])),
]);

const server = createServer((request, response) => {
  const path = new URL(request.url ?? '/', 'http://app').pathname;
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  const headers = { 'content-security-policy': contentSecurityPolicy, 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' };
  if (path === '/favicon.ico') {
    response.writeHead(204, headers).end();
    return;
  }
  if (path === '/config.json') {
    response.writeHead(200, { ...headers, 'content-type': 'application/json' }).end(config);
    return;
  }
  const served = files.get(path);
  if (!served) {
    response.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end('not found');
    return;
  }
  response.writeHead(200, { ...headers, 'content-type': served.type }).end(readFileSync(served.file));
});

server.listen(port, host, () => console.log(`tenant-app listening on http://${host}:${port} (Tenantry at ${tenantryUrl})`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.on('SIGINT', () => server.close(() => process.exit(0)));
