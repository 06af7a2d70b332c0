// Baseline (a): oidc-provider alone on its own Koa server (no Express, no
// database), same key type (ES256), same JWT access token format and
// audience, a static client, the default in-memory adapter.
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import { Provider } from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}/oidc`;
const audience = `http://127.0.0.1:${port}/api`;
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const provider = new Provider(issuer, {
  clients: [{ client_id: 'bench', client_secret: process.env.CLIENT_SECRET, grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'features:read' }],
  jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'bench', alg: 'ES256', use: 'sig' }] },
  scopes: ['openid', 'features:read'],
  clientDefaults: { id_token_signed_response_alg: 'ES256' },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => audience,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({ scope: 'features:read', audience, accessTokenTTL: 3600, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } }),
    },
  },
});
const callback = provider.callback();
const server = createServer((request, response) => {
  request.originalUrl = request.url;
  request.url = request.url.slice('/oidc'.length) || '/';
  callback(request, response);
});
server.listen(port, '127.0.0.1', () => process.send?.('ready'));
