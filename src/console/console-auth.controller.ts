import { readFileSync } from 'node:fs';
import { Controller, Get, Param, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../auth/public.decorator.js';
import { SecurityConfig, ServerConfig } from '../config/app-config.js';
import { SecretBox } from '../infra/crypto/secret-box.js';
import { AccountsService } from '../oidc/accounts.service.js';
import { ConsoleError } from './console.errors.js';
import { cookie, CurrentSession, PENDING_COOKIE, readCookie, redirect, sendPage, SESSION_COOKIE } from './console-http.js';
import { ConsoleIssuer, type PendingSignIn } from './console-issuer.service.js';
import { ConsolePagesFilter } from './console-pages.filter.js';
import type { ConsolePerson, ConsoleSession } from './console-session.js';
import { ConsoleSessionGuard } from './console-session.guard.js';
import { ConsoleSessionsService } from './console-sessions.service.js';
import { signedOutPage, signInProblemPage } from './views/sign-in.views.js';

const PENDING_TTL_SECONDS = 600;
const ASSETS = new Map<string, { type: string; body: Buffer }>(
  (
    [
      ['console.css', 'text/css; charset=utf-8'],
      ['console.js', 'text/javascript; charset=utf-8'],
    ] as const
  ).map(([name, type]) => [name, { type, body: readFileSync(new URL(`./assets/${name}`, import.meta.url)) }]),
);

export function homeOf(person: ConsolePerson): string {
  return person.kind === 'operator' ? '/console/tenants' : `/console/tenants/${encodeURIComponent(person.tenantSlug ?? '')}/flags`;
}

/**
 * Signing in and out of the console (authorization code + PKCE against our
 * own issuer, openid-client on the server side), and its static assets.
 */
@ApiExcludeController()
@Public()
@Controller('console')
@UseFilters(ConsolePagesFilter)
export class ConsoleAuthController {
  private readonly pendingBox: SecretBox;
  private readonly secure: boolean;

  constructor(
    private readonly issuer: ConsoleIssuer,
    private readonly sessions: ConsoleSessionsService,
    private readonly accounts: AccountsService,
    private readonly server: ServerConfig,
    security: SecurityConfig,
  ) {
    this.pendingBox = new SecretBox(security.secretKey, 'console-sign-in');
    this.secure = new URL(server.publicUrl).protocol === 'https:';
  }

  @Get()
  async showConsoleHome(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const session = await this.sessions.find(readCookie(request, SESSION_COOKIE));
    if (session) return redirect(reply, homeOf(session.person));
    sendPage(reply, 200, signedOutPage());
  }

  @Get('assets/:name')
  serveConsoleAsset(@Param('name') name: string, @Res() reply: FastifyReply): void {
    const asset = ASSETS.get(name);
    if (!asset) throw new ConsoleError('CONSOLE_SIGN_IN_FAILED', 'No such asset.');
    void reply
      .header('Content-Type', asset.type)
      .header('Cache-Control', 'public, max-age=300')
      .header('X-Content-Type-Options', 'nosniff')
      .send(asset.body);
  }

  @Get('login')
  async startConsoleSignIn(@Res() reply: FastifyReply): Promise<void> {
    const { url, pending } = await this.issuer.authorizationUrl();
    const sealed = this.pendingBox.seal(JSON.stringify(pending));
    redirect(reply, url.href, [cookie(PENDING_COOKIE, sealed, { secure: this.secure, maxAgeSeconds: PENDING_TTL_SECONDS })]);
  }

  @Get('callback')
  async finishConsoleSignIn(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const clearPending = cookie(PENDING_COOKIE, '', { secure: this.secure, maxAgeSeconds: 0 });
    const callbackUrl = new URL(request.url, this.server.publicUrl);
    if (callbackUrl.searchParams.has('error')) {
      const reason =
        callbackUrl.searchParams.get('error') === 'access_denied' ? 'The sign-in was cancelled.' : 'The sign-in did not complete.';
      return sendPage(reply, 400, signInProblemPage(reason), [clearPending]);
    }
    const pending = this.pendingOf(request);
    if (!pending) return sendPage(reply, 400, signInProblemPage('This sign-in expired or was started in another browser.'), [clearPending]);
    let issued;
    try {
      issued = await this.issuer.exchange(callbackUrl, pending);
    } catch {
      return sendPage(reply, 400, signInProblemPage('The sign-in could not be completed.'), [clearPending]);
    }
    const subject = String(issued.claims.sub ?? '');
    const person = await this.accounts.consolePerson(subject);
    if (!person) return sendPage(reply, 403, signInProblemPage('This account may not use the console.'), [clearPending]);
    const consolePerson: ConsolePerson = {
      subject,
      email: person.email,
      kind: person.kind,
      role: person.kind === 'operator' ? person.role : 'admin',
      tenantSlug: person.kind === 'tenant-admin' ? person.tenant.slug : null,
      scopes: String(issued.claims.scope ?? '')
        .split(' ')
        .filter(Boolean),
    };
    const cookieValue = await this.sessions.start(
      consolePerson,
      { accessToken: issued.accessToken, refreshToken: issued.refreshToken, idToken: issued.idToken },
      issued.expiresAt,
    );
    redirect(reply, homeOf(consolePerson), [clearPending, cookie(SESSION_COOKIE, cookieValue, { secure: this.secure })]);
  }

  /** Ends the console session here, then at the issuer (RP-initiated logout), which comes back to /console/. */
  @Post('logout')
  @UseGuards(ConsoleSessionGuard)
  async signOutOfConsole(@CurrentSession() session: ConsoleSession, @Res() reply: FastifyReply): Promise<void> {
    await this.sessions.end(session);
    const endSession = await this.issuer.endSessionUrl(session.tokens.idToken);
    redirect(reply, endSession.href, [cookie(SESSION_COOKIE, '', { secure: this.secure, maxAgeSeconds: 0 })]);
  }

  private pendingOf(request: FastifyRequest): PendingSignIn | undefined {
    const sealed = readCookie(request, PENDING_COOKIE);
    if (!sealed) return undefined;
    try {
      return JSON.parse(this.pendingBox.open(sealed)) as PendingSignIn;
    } catch {
      return undefined;
    }
  }
}
