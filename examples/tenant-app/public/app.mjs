// A tenant's single-page app: signs its user in with authorization code + PKCE
// (oauth4webapi, a public client: no secret in the browser), shows who signed
// in from userinfo, evaluates the tenant's flags with the OpenFeature web SDK
// over OFREP with the user's access token (changes arrive through the change
// stream the bulk answer names), shows a banner read with the publishable key
// before anyone signs in, and signs out with RP-initiated logout.
import * as oauth from 'oauth4webapi';
import { OpenFeature, ProviderEvents } from '@openfeature/web-sdk';
import { OFREPWebProvider } from '@openfeature/ofrep-web-provider';

/**
 * @typedef {{ tenantryUrl: string, issuer: string, clientId: string, publishableKey: string | null,
 *   tenant: string | null, flags: string[], bannerFlag: string, bannerText: string }} AppConfig
 */

/** What survives the round trip to the sign-in page; tokens themselves stay in memory only. */
const PENDING_SIGN_IN = 'tenant-app:pending-sign-in';
const PENDING_SIGN_OUT = 'tenant-app:pending-sign-out';
const SCOPE = 'openid profile email features:read';

/** @type {AppConfig} */
const config = await (await fetch('/config.json')).json();
const issuer = new URL(config.issuer);
// oauth4webapi refuses http: unless told; this example runs against a local Tenantry too.
const insecure = issuer.protocol === 'http:' ? { [oauth.allowInsecureRequests]: true } : {};
/** @type {oauth.Client} */
const client = { client_id: config.clientId };
const redirectUri = `${location.origin}/callback`;
const postLogoutRedirectUri = `${location.origin}/`;

/** @param {string} id */
function element(id) {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} missing`);
  return found;
}

/** @param {string} text */
function showStatus(text) {
  element('status').textContent = text;
}

/** Each failure gets its own line: the banner's and the sign-in's may both happen, in either order. @param {string} what @param {unknown} error */
function showError(what, error) {
  const line = document.createElement('p');
  line.textContent = `${what}: ${error instanceof Error ? error.message : String(error)}`;
  element('errors').append(line);
}

/** @returns {Promise<oauth.AuthorizationServer>} */
async function discover() {
  return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }));
}

/** The banner: a flag of the tenant read with the publishable key, before (and regardless of) sign-in. */
async function showBanner() {
  const key = config.publishableKey;
  if (!key) return;
  const banner = element('banner');
  const provider = new OFREPWebProvider({ baseUrl: config.tenantryUrl, headers: [['X-API-Key', key]], cacheMode: 'disabled' });
  const flags = OpenFeature.getClient('page');
  const render = () => {
    banner.hidden = !flags.getBooleanValue(config.bannerFlag, false);
    banner.textContent = config.bannerText;
  };
  flags.addHandler(ProviderEvents.ConfigurationChanged, render);
  try {
    await OpenFeature.setProviderAndWait('page', provider, {});
    banner.dataset.state = 'ready';
    render();
  } catch (error) {
    banner.dataset.state = 'error';
    showError('Flags unavailable', error);
  }
}

/** @param {oauth.AuthorizationServer} as */
async function signIn(as) {
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  sessionStorage.setItem(PENDING_SIGN_IN, JSON.stringify({ codeVerifier, state, nonce }));
  const url = new URL(String(as.authorization_endpoint));
  url.search = new URLSearchParams({
    client_id: config.clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: SCOPE,
    code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  }).toString();
  location.assign(url);
}

/**
 * Back from the sign-in page: the code for tokens (with the PKCE verifier), then userinfo with the access token.
 * @param {oauth.AuthorizationServer} as
 */
async function completeSignIn(as) {
  const pending = JSON.parse(sessionStorage.getItem(PENDING_SIGN_IN) ?? 'null');
  sessionStorage.removeItem(PENDING_SIGN_IN);
  const callback = new URL(location.href);
  history.replaceState(null, '', '/');
  if (!pending) throw new Error('no sign-in was started from this tab');
  const parameters = oauth.validateAuthResponse(as, client, callback, pending.state);
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    oauth.None(),
    parameters,
    redirectUri,
    pending.codeVerifier,
    insecure,
  );
  const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: pending.nonce, requireIdToken: true });
  const claims = oauth.getValidatedIdTokenClaims(tokens);
  if (!claims || !tokens.id_token) throw new Error('no ID token');
  const userinfo = await oauth.processUserInfoResponse(
    as,
    client,
    claims.sub,
    await oauth.userInfoRequest(as, client, tokens.access_token, insecure),
  );
  return { accessToken: tokens.access_token, idToken: tokens.id_token, userinfo };
}

/** The user's flags, evaluated with their access token; the provider follows the change stream and re-renders. */
async function showUserFlags(/** @type {string} */ accessToken, /** @type {string} */ subject) {
  const list = element('flags');
  const flags = OpenFeature.getClient('user');
  const render = () => {
    list.replaceChildren(
      ...config.flags.map((key) => {
        const item = document.createElement('li');
        item.dataset.flag = key;
        const value = document.createElement('output');
        value.textContent = flags.getBooleanValue(key, false) ? 'on' : 'off';
        item.append(`${key}: `, value);
        return item;
      }),
    );
  };
  flags.addHandler(ProviderEvents.ConfigurationChanged, render);
  const provider = new OFREPWebProvider({
    baseUrl: config.tenantryUrl,
    headers: [['Authorization', `Bearer ${accessToken}`]],
    // A signed-in user's flags are not written to localStorage.
    cacheMode: 'disabled',
  });
  await OpenFeature.setProviderAndWait('user', provider, { targetingKey: subject });
  render();
}

/** RP-initiated logout: Tenantry ends its session and sends the browser back to the registered post-logout URI. */
function signOut(/** @type {oauth.AuthorizationServer} */ as, /** @type {string} */ idToken) {
  const state = oauth.generateRandomState();
  sessionStorage.setItem(PENDING_SIGN_OUT, state);
  const url = new URL(String(as.end_session_endpoint));
  url.search = new URLSearchParams({
    client_id: config.clientId,
    id_token_hint: idToken,
    post_logout_redirect_uri: postLogoutRedirectUri,
    state,
  }).toString();
  location.assign(url);
}

function wasSignedOut() {
  const expected = sessionStorage.getItem(PENDING_SIGN_OUT);
  sessionStorage.removeItem(PENDING_SIGN_OUT);
  const state = new URL(location.href).searchParams.get('state');
  if (state) history.replaceState(null, '', '/');
  return expected !== null && state === expected;
}

async function main() {
  const banner = showBanner();
  const as = await discover();
  element('sign-in').addEventListener('click', () => {
    signIn(as).catch((error) => showError('Sign-in failed', error));
  });
  if (location.pathname === '/callback') {
    try {
      const session = await completeSignIn(as);
      element('user-name').textContent = String(session.userinfo.name ?? session.userinfo.email ?? session.userinfo.sub);
      element('sign-out').addEventListener('click', () => signOut(as, session.idToken));
      element('signed-in').hidden = false;
      showStatus('Signed in');
      await showUserFlags(session.accessToken, session.userinfo.sub).catch((error) => showError('Flags unavailable', error));
    } catch (error) {
      element('signed-out').hidden = false;
      showStatus('Signed out');
      showError('Sign-in failed', error);
    }
  } else {
    element('signed-out').hidden = false;
    showStatus(wasSignedOut() ? 'You are signed out' : 'Signed out');
  }
  await banner;
}

main().catch((error) => showError('The app could not start', error));
