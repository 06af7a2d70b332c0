import * as oauth from 'openid-client';
import { ClientsService } from '../../src/oidc/clients.service.js';
import { TenantsService } from '../../src/tenants/tenants.service.js';
import type { Tenant, TenantPlacement } from '../../src/tenants/tenant.js';
import { UsersService } from '../../src/users/users.service.js';
import type { User } from '../../src/users/user.js';
import type { CallbackServer } from './browser.js';
import type { TestApp } from './test-app.js';

export const PASSWORD = 'a long enough passphrase';

export interface TenantFixture {
  tenant: Tenant;
  user: User;
  /** A public client (PKCE) of the tenant with every user grant. */
  clientId: string;
  config: oauth.Configuration;
}

/** A tenant with one user and one public client, ready for user sign-in flows. */
export async function tenantWithUserAndClient(
  testApp: TestApp,
  slug: string,
  email: string,
  app: CallbackServer,
  placement: TenantPlacement = 'isolated',
): Promise<TenantFixture> {
  const tenant = await testApp.app.get(TenantsService).create({ slug, name: `${slug[0]!.toUpperCase()}${slug.slice(1)} Corp`, placement });
  const user = await testApp.app
    .get(UsersService)
    .create(tenant, { email, password: PASSWORD, name: `User of ${slug}`, emailVerified: true });
  const { client } = await testApp.app.get(ClientsService).create({
    name: `${slug} web app`,
    tenantSlug: slug,
    public: true,
    grantTypes: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
    scopes: ['openid profile email offline_access features:read'],
    redirectUris: [app.callback],
    postLogoutRedirectUris: [app.loggedOut],
  });
  const config = await oauth.discovery(new URL(testApp.config.server.issuer), client.clientId, undefined, oauth.None(), {
    execute: [oauth.allowInsecureRequests],
  });
  return { tenant, user, clientId: client.clientId, config };
}

export interface AuthorizationRequest {
  url: URL;
  verifier: string;
  state: string;
  nonce: string;
}

export async function authorizationRequest(
  config: oauth.Configuration,
  redirectUri: string,
  extra: Record<string, string> = {},
): Promise<AuthorizationRequest> {
  const verifier = oauth.randomPKCECodeVerifier();
  const state = oauth.randomState();
  const nonce = oauth.randomNonce();
  const url = oauth.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid profile email offline_access features:read',
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    prompt: 'consent',
    ...extra,
  });
  if (extra.prompt === '') url.searchParams.delete('prompt');
  return { url, verifier, state, nonce };
}
