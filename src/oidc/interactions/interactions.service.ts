import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errors, type Provider } from 'oidc-provider';
import { SecurityConfig, ServerConfig } from '../../config/app-config.js';
import type { Tenant } from '../../tenants/tenant.js';
import { isApiScope } from '../../auth/scopes.js';
import { UsersService } from '../../users/users.service.js';
import { AccountsService } from '../accounts.service.js';
import { OidcService } from '../oidc.service.js';
import { consentPage, errorPage, loginPage } from '../pages/interaction.pages.js';
import { CsrfTokens } from './csrf-tokens.js';
import { ConsoleSignIn } from './console-sign-in.js';
import { isConsoleClient } from '../console-accounts.js';
import { LoginThrottleService } from './login-throttle.service.js';
import { SignInOutcomes } from './sign-in-outcomes.js';

/** A page to render, or where to send the browser once a step is finished. */
export type InteractionOutcome = { status: number; html: string } | { redirectTo: string };

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;
/** Who the sign-in is for: a tenant's client (its users), or the console (operators and tenant admins). */
type SignInContext = { tenant: Tenant; clientName: string; console: false } | { tenant: undefined; clientName: string; console: true };

const EXPIRED = errorPage(
  'This sign-in has expired',
  'The sign-in request is no longer valid: it expired or was already completed. Go back to the application and sign in again.',
);

function field(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

/**
 * The sign-in and consent steps oidc-provider hands to us. The tenant always
 * comes from the client that started the request, never from the user.
 */
@Injectable()
export class InteractionsService {
  private readonly logger = new Logger(InteractionsService.name);
  private readonly csrf: CsrfTokens;

  constructor(
    private readonly oidc: OidcService,
    private readonly accounts: AccountsService,
    private readonly users: UsersService,
    private readonly throttle: LoginThrottleService,
    private readonly outcomes: SignInOutcomes,
    private readonly consoleSignIn: ConsoleSignIn,
    private readonly server: ServerConfig,
    security: SecurityConfig,
  ) {
    this.csrf = new CsrfTokens(security.secretKey);
  }

  async show(request: IncomingMessage, response: ServerResponse): Promise<InteractionOutcome> {
    const details = await this.details(request, response);
    if (!details) return { status: 400, html: EXPIRED };
    const context = await this.context(details);
    if (!context) return { status: 400, html: errorPage('Sign-in unavailable', 'This application is not available for sign-in.') };
    if (details.prompt.name === 'login') return { status: 200, html: this.loginPage(details, context) };
    if (details.prompt.name === 'consent' && context.console) return this.consentForConsole(request, response, details);
    if (details.prompt.name === 'consent' && !context.console) return { status: 200, html: await this.consentPage(details, context) };
    return { status: 400, html: errorPage('Sign-in unavailable', 'This step of the sign-in is not supported.') };
  }

  async login(request: IncomingMessage, response: ServerResponse, body: unknown, clientAddress: string): Promise<InteractionOutcome> {
    const details = await this.details(request, response);
    if (!details || details.prompt.name !== 'login') return { status: 400, html: EXPIRED };
    if (!this.csrf.verify(details.uid, field(body, 'csrf')))
      return { status: 403, html: errorPage('Sign-in refused', 'The form was not sent from this page. Reload it and try again.') };
    const context = await this.context(details);
    if (!context) return { status: 400, html: errorPage('Sign-in unavailable', 'This application is not available for sign-in.') };

    const email = field(body, 'email').trim();
    const password = field(body, 'password');
    if (context.console) return this.loginToConsole(request, response, details, context, body, clientAddress);
    const accountKey = LoginThrottleService.accountKey(context.tenant.id, email);
    const addressKey = LoginThrottleService.addressKey(clientAddress);
    const lockedUntil = await this.throttle.check(accountKey, addressKey);
    if (lockedUntil) {
      this.outcomes.record('locked');
      return { status: 429, html: this.loginPage(details, context, email, this.lockedMessage(lockedUntil)) };
    }

    const user = email && password ? await this.users.authenticate(context.tenant, email, password) : undefined;
    if (!user) {
      this.outcomes.record('failure');
      const verdict = await this.throttle.recordFailure(accountKey, addressKey);
      if (verdict.delayMs > 0) await sleep(verdict.delayMs);
      const message = verdict.lockedUntil ? this.lockedMessage(verdict.lockedUntil) : 'The email or password is not right.';
      return { status: verdict.lockedUntil ? 429 : 401, html: this.loginPage(details, context, email, message) };
    }
    await this.throttle.recordSuccess(accountKey);
    this.outcomes.record('success');
    this.logger.log(`user ${user.id} of tenant ${context.tenant.slug} signed in`);
    return this.finish(request, response, { login: { accountId: user.id, amr: ['pwd'] } }, false);
  }

  async confirm(request: IncomingMessage, response: ServerResponse, body: unknown): Promise<InteractionOutcome> {
    const details = await this.details(request, response);
    if (!details || details.prompt.name !== 'consent' || !details.session?.accountId) return { status: 400, html: EXPIRED };
    if (!this.csrf.verify(details.uid, field(body, 'csrf')))
      return { status: 403, html: errorPage('Consent refused', 'The form was not sent from this page. Reload it and try again.') };
    const provider = this.oidc.provider;
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: String(details.params.client_id) });
    if (!grant) return { status: 400, html: EXPIRED };
    const missing = details.prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
      grant.addResourceScope(indicator, scopes.join(' '));
    const grantId = await grant.save();
    return this.finish(request, response, { consent: details.grantId ? {} : { grantId } }, true);
  }

  async abort(request: IncomingMessage, response: ServerResponse, body: unknown): Promise<InteractionOutcome> {
    const details = await this.details(request, response);
    if (!details) return { status: 400, html: EXPIRED };
    if (!this.csrf.verify(details.uid, field(body, 'csrf')))
      return { status: 403, html: errorPage('Request refused', 'The form was not sent from this page.') };
    return this.finish(request, response, { error: 'access_denied', error_description: 'The user declined.' }, false);
  }

  /** Records the step's result; the browser goes back to the authorization endpoint, which resumes the request. */
  private async finish(
    request: IncomingMessage,
    response: ServerResponse,
    result: Parameters<Provider['interactionResult']>[2],
    mergeWithLastSubmission: boolean,
  ): Promise<InteractionOutcome> {
    return { redirectTo: await this.oidc.provider.interactionResult(request, response, result, { mergeWithLastSubmission }) };
  }

  private async details(request: IncomingMessage, response: ServerResponse): Promise<Details | undefined> {
    try {
      return await this.oidc.provider.interactionDetails(request, response);
    } catch (error) {
      if (error instanceof errors.SessionNotFound) return undefined;
      throw error;
    }
  }

  private async context(details: Details): Promise<SignInContext | undefined> {
    const client = await this.oidc.provider.Client.find(String(details.params.client_id));
    if (client && isConsoleClient(client)) return { tenant: undefined, clientName: client.clientName ?? client.clientId, console: true };
    const tenant = client ? await this.accounts.tenantOfClient(client) : undefined;
    return client && tenant ? { tenant, clientName: client.clientName ?? client.clientId, console: false } : undefined;
  }

  private loginPage(details: Details, context: SignInContext, email?: string, error?: string, organisation?: string): string {
    return loginPage({
      uid: details.uid,
      csrf: this.csrf.issue(details.uid),
      tenantName: context.tenant?.name ?? 'Tenantry console',
      clientName: context.clientName,
      email,
      error,
      ...(context.console ? { organisation: organisation ?? '' } : {}),
    });
  }

  /** Operators, or a tenant's admins (the organisation field), under the same throttling and lockout as tenant users. */
  private async loginToConsole(
    request: IncomingMessage,
    response: ServerResponse,
    details: Details,
    context: SignInContext,
    body: unknown,
    clientAddress: string,
  ): Promise<InteractionOutcome> {
    const organisation = field(body, 'organisation').trim();
    const email = field(body, 'email').trim();
    const accountKey = await this.consoleSignIn.throttleKey(organisation, email);
    const addressKey = LoginThrottleService.addressKey(clientAddress);
    const lockedUntil = await this.throttle.check(accountKey, addressKey);
    if (lockedUntil) {
      this.outcomes.record('locked');
      return { status: 429, html: this.loginPage(details, context, email, this.lockedMessage(lockedUntil), organisation) };
    }
    const result = await this.consoleSignIn.authenticate(organisation, email, field(body, 'password'));
    if (result.outcome !== 'signed-in') {
      this.outcomes.record('failure');
      const verdict = await this.throttle.recordFailure(accountKey, addressKey);
      if (verdict.delayMs > 0) await sleep(verdict.delayMs);
      const message = verdict.lockedUntil ? this.lockedMessage(verdict.lockedUntil) : result.message;
      const status = verdict.lockedUntil ? 429 : result.outcome === 'not-admin' ? 403 : 401;
      return { status, html: this.loginPage(details, context, email, message, organisation) };
    }
    await this.throttle.recordSuccess(accountKey);
    this.outcomes.record('success');
    this.logger.log(`console account ${result.accountId} signed in`);
    return this.finish(request, response, { login: { accountId: result.accountId, amr: ['pwd'] } }, false);
  }

  /**
   * The console is first-party: no consent screen. Its grant holds exactly
   * the scopes of the person's role and rejects the rest, so the provider
   * does not ask again and the tokens carry only what the role allows.
   */
  private async consentForConsole(request: IncomingMessage, response: ServerResponse, details: Details): Promise<InteractionOutcome> {
    const accountId = details.session?.accountId;
    const allowed = accountId ? await this.consoleSignIn.scopesFor(accountId) : undefined;
    if (!accountId || !allowed) return { status: 400, html: EXPIRED };
    const provider = this.oidc.provider;
    const grant =
      (details.grantId ? await provider.Grant.find(details.grantId) : undefined) ??
      new provider.Grant({ accountId, clientId: String(details.params.client_id) });
    const requested = String(details.params.scope ?? '')
      .split(' ')
      .filter(Boolean);
    // The provider counts every scope as an OpenID one too, and the API's resource server also carries
    // the OpenID scopes that release claims (provider-configuration.ts): both get the same verdict.
    const granted = requested.filter((scope) => !isApiScope(scope) || allowed.includes(scope));
    const rejected = requested.filter((scope) => isApiScope(scope) && !allowed.includes(scope));
    if (granted.length) {
      grant.addOIDCScope(granted.join(' '));
      grant.addResourceScope(this.server.apiAudience, granted.join(' '));
    }
    if (rejected.length) {
      grant.rejectOIDCScope(rejected.join(' '));
      grant.rejectResourceScope(this.server.apiAudience, rejected.join(' '));
    }
    const grantId = await grant.save();
    return this.finish(request, response, { consent: { grantId } }, true);
  }

  private async consentPage(details: Details, context: { tenant: Tenant; clientName: string }): Promise<string> {
    const missing = details.prompt.details as { missingOIDCScope?: string[]; missingResourceScopes?: Record<string, string[]> };
    const scopes = [...new Set([...(missing.missingOIDCScope ?? []), ...Object.values(missing.missingResourceScopes ?? {}).flat()])];
    const user = details.session?.accountId ? await this.users.find(context.tenant, details.session.accountId) : undefined;
    return consentPage({
      uid: details.uid,
      csrf: this.csrf.issue(details.uid),
      tenantName: context.tenant.name,
      clientName: context.clientName,
      userEmail: user?.email ?? '',
      scopes,
    });
  }

  private lockedMessage(until: Date): string {
    const minutes = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 60_000));
    return `Too many failed sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
  }
}
