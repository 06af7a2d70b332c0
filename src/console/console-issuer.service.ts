import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import * as oauth from 'openid-client';
import { API_SCOPES } from '../auth/scopes.js';
import { ServerConfig } from '../config/app-config.js';
import { ConsoleClient, consolePostLogoutUri, consoleRedirectUri } from '../oidc/console-client.js';

/** What the browser must bring back from the authorization endpoint (kept sealed in a short-lived cookie). */
export interface PendingSignIn {
  verifier: string;
  state: string;
  nonce: string;
}

export interface IssuedTokens {
  accessToken: string;
  refreshToken?: string;
  idToken?: string;
  expiresAt: Date;
  claims: Record<string, unknown>;
}

const SCOPE = ['openid', 'email', 'offline_access', ...API_SCOPES].join(' ');

/**
 * The console's relying party: openid-client against our own issuer, with
 * its requests sent in-process through Fastify's inject(), so they take the
 * very pipeline outside clients take (and work whatever PUBLIC_URL resolves
 * to from inside the container).
 */
@Injectable()
export class ConsoleIssuer {
  private configuration: Promise<oauth.Configuration> | undefined;

  constructor(
    private readonly server: ServerConfig,
    private readonly client: ConsoleClient,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  get redirectUri(): string {
    return consoleRedirectUri(this.server.publicUrl);
  }

  async authorizationUrl(): Promise<{ url: URL; pending: PendingSignIn }> {
    const config = await this.config();
    const pending = { verifier: oauth.randomPKCECodeVerifier(), state: oauth.randomState(), nonce: oauth.randomNonce() };
    const url = oauth.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri,
      scope: SCOPE,
      code_challenge: await oauth.calculatePKCECodeChallenge(pending.verifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
      // Always the sign-in page (people choose who they sign in as), and the
      // consent step, which offline_access needs and the console answers itself.
      prompt: 'login consent',
    });
    return { url, pending };
  }

  async exchange(callbackUrl: URL, pending: PendingSignIn): Promise<IssuedTokens> {
    const tokens = await oauth.authorizationCodeGrant(await this.config(), callbackUrl, {
      pkceCodeVerifier: pending.verifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    return this.issued(tokens);
  }

  async refresh(refreshToken: string): Promise<IssuedTokens> {
    return this.issued(await oauth.refreshTokenGrant(await this.config(), refreshToken));
  }

  async endSessionUrl(idToken: string | undefined): Promise<URL> {
    return oauth.buildEndSessionUrl(await this.config(), {
      post_logout_redirect_uri: consolePostLogoutUri(this.server.publicUrl),
      ...(idToken ? { id_token_hint: idToken } : {}),
    });
  }

  private issued(tokens: oauth.TokenEndpointResponse & oauth.TokenEndpointResponseHelpers): IssuedTokens {
    return {
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token,
      idToken: tokens.id_token,
      expiresAt: new Date(Date.now() + (tokens.expiresIn() ?? 60) * 1000),
      claims: accessTokenClaims(tokens.access_token),
    };
  }

  private config(): Promise<oauth.Configuration> {
    this.configuration ??= this.discover().catch((error: unknown) => {
      this.configuration = undefined;
      throw error;
    });
    return this.configuration;
  }

  private async discover(): Promise<oauth.Configuration> {
    const customFetch = this.inProcessFetch();
    const insecure = new URL(this.server.publicUrl).protocol === 'http:';
    return oauth.discovery(
      new URL(this.server.issuer),
      this.client.clientId,
      undefined,
      oauth.ClientSecretBasic(this.client.clientSecret),
      {
        [oauth.customFetch]: customFetch,
        ...(insecure ? { execute: [oauth.allowInsecureRequests] } : {}),
      },
    );
  }

  /** fetch() for openid-client, answered by this very app (Fastify inject) for URLs under PUBLIC_URL. */
  private inProcessFetch(): oauth.CustomFetch {
    const base = new URL(this.server.publicUrl);
    return async (url, options) => {
      const target = new URL(url);
      if (target.origin !== base.origin) throw new Error(`the console only talks to its own issuer, not ${target.origin}`);
      const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
      const headers: Record<string, string> = { host: base.host, 'x-forwarded-proto': base.protocol.slice(0, -1) };
      new Headers(options.headers).forEach((value, name) => (headers[name] = value));
      const response = await fastify.inject({
        method: options.method as 'GET' | 'POST',
        url: `${target.pathname}${target.search}`,
        headers,
        ...(options.body !== undefined && options.body !== null ? { payload: String(options.body) } : {}),
      });
      const responseHeaders = new Headers();
      for (const [name, value] of Object.entries(response.headers)) {
        if (value !== undefined) responseHeaders.set(name, Array.isArray(value) ? value.join(', ') : String(value));
      }
      return new Response(response.statusCode === 204 ? null : response.rawPayload, {
        status: response.statusCode,
        headers: responseHeaders,
      });
    };
  }
}

/** The claims of an access token we were just given by our own token endpoint (read, not verified: the API verifies it). */
export function accessTokenClaims(accessToken: string): Record<string, unknown> {
  const payload = accessToken.split('.')[1];
  if (!payload) return {};
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}
