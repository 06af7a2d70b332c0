// OWASP CSRF prevention: a change (any method but GET/HEAD) needs the session's synchronizer token
// (form field `_csrf` or header X-CSRF-Token) and an Origin (or Referer) of this very console; deny by default.
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ServerConfig } from '../config/app-config.js';
import { ConsoleError } from './console.errors.js';
import { formField, readCookie, SESSION_COOKIE, type WithConsoleSession } from './console-http.js';
import { ConsoleSessionsService } from './console-sessions.service.js';

const SAFE_METHODS = new Set(['GET', 'HEAD']);

@Injectable()
export class ConsoleSessionGuard implements CanActivate {
  private readonly origin: string;

  constructor(
    private readonly sessions: ConsoleSessionsService,
    server: ServerConfig,
  ) {
    this.origin = new URL(server.publicUrl).origin;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<WithConsoleSession>();
    const session = await this.sessions.find(readCookie(request, SESSION_COOKIE));
    if (!session) throw new ConsoleError('CONSOLE_SIGN_IN_REQUIRED', 'Sign in to use the console.');
    if (!SAFE_METHODS.has(request.method)) {
      if (!this.sameOrigin(request)) throw new ConsoleError('CONSOLE_CSRF_REFUSED', 'This change did not come from a console page.');
      const header = request.headers['x-csrf-token'];
      const presented = typeof header === 'string' ? header : formField(request.body, '_csrf');
      if (!this.sessions.checkCsrf(session, presented)) {
        throw new ConsoleError(
          'CONSOLE_CSRF_REFUSED',
          'The form is missing its security token, or it is from an older page. Reload and try again.',
        );
      }
    }
    request.consoleSession = session;
    return true;
  }

  private sameOrigin(request: WithConsoleSession): boolean {
    const origin = request.headers.origin;
    if (typeof origin === 'string') return origin === this.origin;
    const referer = request.headers.referer;
    if (typeof referer !== 'string') return false;
    try {
      return new URL(referer).origin === this.origin;
    } catch {
      return false;
    }
  }
}
