// RFC 6750 §3.1 and RFC 9068 §4: every API route needs a valid access token carrying its scopes; deny by default.
import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { ACCESS_TOKEN_STRATEGY, AccessTokenRejected } from './access-token.strategy.js';
import { PLATFORM_ONLY, REQUIRED_SCOPES, TENANT_ONLY, type AuthenticatedRequest } from './auth.decorators.js';
import { AuthError } from './auth.errors.js';
import { ClientRegistry, TokenLiveness } from './issuer.port.js';
import type { Principal } from './principal.js';
import { IS_PUBLIC } from './public.decorator.js';
import { bearerToken, VerifiedTokenCache } from './verified-token.cache.js';

const NO_TOKEN = 'No auth token';
// What jsonwebtoken (inside passport-jwt) throws for a bad token. Anything
// else reaching handleRequest is our failure (database, decryption): a 500.
const TOKEN_FAULTS = new Set(['JsonWebTokenError', 'TokenExpiredError', 'NotBeforeError', 'AccessTokenRejected']);

export interface AccessRule {
  scopes: readonly string[];
  platformOnly?: boolean;
  tenantOnly?: boolean;
}

@Injectable()
export class AccessTokenGuard extends AuthGuard(ACCESS_TOKEN_STRATEGY) {
  constructor(
    private readonly reflector: Reflector,
    private readonly verified: VerifiedTokenCache,
    private readonly liveness: TokenLiveness,
    private readonly clients: ClientRegistry,
  ) {
    super();
  }

  // The rule of each handler, read from its metadata once.
  private readonly rules = new WeakMap<object, AccessRule | null>();

  /**
   * Synchronous when the token was verified before and the issuer answers
   * from memory (the common case: a client reuses its token), so most
   * requests pay for no promise here.
   */
  override canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const rule = this.ruleOf(context);
    if (rule === null) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerToken(request.headers.authorization);
    const cached = token ? this.verified.get(token) : undefined;
    if (!cached) return this.verifyThenAuthorize(context, request, token, rule);
    request.user = cached;
    const decided = this.authorize(cached, rule);
    return decided === undefined ? true : decided.then(() => true);
  }

  /**
   * What a verified token may do: still live (not revoked), from a client
   * that is still registered, bound the way the route needs, with every scope
   * the route needs. Whether its tenant is usable is the tenant's rule, asked
   * where the route resolves the tenant it acts on.
   */
  authorize(principal: Principal, rule: AccessRule): void | Promise<void> {
    const live = this.liveness.isLive(principal);
    const registered = this.clients.isRegistered(principal.clientId);
    if (typeof live === 'boolean' && typeof registered === 'boolean') return this.decide(principal, rule, live, registered);
    return Promise.all([live, registered]).then(([isLive, isRegistered]) => this.decide(principal, rule, isLive, isRegistered));
  }

  private decide(principal: Principal, rule: AccessRule, live: boolean, registered: boolean): void {
    if (!live) throw new AuthError('TOKEN_INVALID', 'The access token was revoked.');
    if (!registered) throw new AuthError('TOKEN_INVALID', 'The client this token was issued to is no longer registered.');
    if (rule.platformOnly && principal.tenantId !== null) {
      throw new AuthError('PLATFORM_CLIENT_REQUIRED', 'Only platform clients may call this route; this token acts for a tenant.');
    }
    if (rule.tenantOnly && principal.tenantId === null) {
      throw new AuthError('TENANT_TOKEN_REQUIRED', 'This route acts on the token’s own tenant; this token is bound to none.');
    }
    for (const scope of rule.scopes) {
      if (!principal.scopes.has(scope)) {
        const missing = rule.scopes.filter((required) => !principal.scopes.has(required));
        throw new AuthError('INSUFFICIENT_SCOPE', `The access token lacks the scope(s): ${missing.join(' ')}.`, {
          requiredScopes: rule.scopes,
        });
      }
    }
  }

  /** The handler's rule; null for a public route. A route that forgot to declare its scopes is closed, not open. */
  private ruleOf(context: ExecutionContext): AccessRule | null {
    const handler = context.getHandler();
    let rule = this.rules.get(handler);
    if (rule === undefined) {
      const targets = [handler, context.getClass()];
      const scopes = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_SCOPES, targets);
      rule = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)
        ? null
        : {
            scopes: scopes ?? [],
            platformOnly: this.reflector.getAllAndOverride<boolean>(PLATFORM_ONLY, targets),
            tenantOnly: this.reflector.getAllAndOverride<boolean>(TENANT_ONLY, targets),
          };
      this.rules.set(handler, rule);
    }
    if (rule !== null && rule.scopes.length === 0) throw new AuthError('ROUTE_NOT_GUARDED', 'This route declares no scope; it is closed.');
    return rule;
  }

  private async verifyThenAuthorize(
    context: ExecutionContext,
    request: AuthenticatedRequest,
    token: string | undefined,
    rule: AccessRule,
  ): Promise<boolean> {
    await super.canActivate(context);
    const principal = request.user as Principal;
    if (token) this.verified.set(token, principal);
    await this.authorize(principal, rule);
    return true;
  }

  override handleRequest<TUser = Principal>(error: unknown, user: TUser | false, info: unknown): TUser {
    if (error instanceof AccessTokenRejected) throw new AuthError('TOKEN_INVALID', error.message);
    if (error) throw error;
    if (user) return user;
    if (!(info instanceof Error)) throw new AuthError('TOKEN_INVALID', 'The access token could not be verified.');
    if (info.message === NO_TOKEN) throw new AuthError('TOKEN_MISSING', 'Send an access token: Authorization: Bearer <token>.');
    if (TOKEN_FAULTS.has(info.name)) throw new AuthError('TOKEN_INVALID', info.message);
    throw info;
  }
}
