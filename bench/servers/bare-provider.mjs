// Baseline for (a), (c) and (d): oidc-provider alone on node:http (no Nest,
// no database: its default in-memory adapter), with the configuration
// Tenantry gives it where it matters to these requests: the same key type
// (ES256), JWT access tokens for the API audience, ID tokens, rotating
// refresh tokens and PKCE. A static client per grant. For the single-use
// scenarios it mints codes itself (IPC 'mint'), as a signed-in user would
// get them, with the provider's own models.
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { Provider } from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}/oidc`;
const audience = `http://127.0.0.1:${port}/api`;
const callback = 'http://127.0.0.1:9/cb';
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const resourceServer = {
  scope: 'features:read',
  audience,
  accessTokenTTL: 3600,
  accessTokenFormat: 'jwt',
  jwt: { sign: { alg: 'ES256' } },
};
const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'bench',
      client_secret: process.env.CLIENT_SECRET,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      scope: 'features:read',
    },
    {
      client_id: 'bench-app',
      client_secret: process.env.CLIENT_SECRET,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [callback],
      scope: 'openid offline_access features:read',
    },
  ],
  jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'bench', alg: 'ES256', use: 'sig' }] },
  scopes: ['openid', 'offline_access', 'features:read'],
  clientDefaults: { id_token_signed_response_alg: 'ES256' },
  findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
  rotateRefreshToken: true,
  ttl: {
    AccessToken: 3600,
    ClientCredentials: 3600,
    AuthorizationCode: 600,
    IdToken: 3600,
    RefreshToken: 14 * 24 * 3600,
    Grant: 30 * 24 * 3600,
  },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => audience,
      useGrantedResource: () => true,
      getResourceServerInfo: () => resourceServer,
    },
  },
});

async function mint(count) {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const client = await provider.Client.find('bench-app');
  const codes = [];
  for (let index = 0; index < count; index += 1) {
    const grant = new provider.Grant({ accountId: `user-${index}`, clientId: 'bench-app' });
    grant.addOIDCScope('openid offline_access');
    grant.addResourceScope(audience, 'features:read');
    const grantId = await grant.save();
    const code = new provider.AuthorizationCode({
      accountId: `user-${index}`,
      authTime: Math.floor(Date.now() / 1000),
      client,
      codeChallenge: challenge,
      codeChallengeMethod: 'S256',
      grantId,
      redirectUri: callback,
      resource: audience,
      scope: 'openid offline_access features:read',
    });
    codes.push(await code.save());
  }
  return { codes, verifier };
}

process.on('message', (message) => {
  if (message?.type === 'mint') void mint(message.count).then((minted) => process.send?.({ type: 'minted', ...minted }));
});

const handle = provider.callback();
createServer((request, response) => {
  request.originalUrl = request.url;
  request.url = request.url.slice('/oidc'.length) || '/';
  handle(request, response);
}).listen(port, '127.0.0.1', () => process.send?.({ type: 'listening' }));
