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

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const required = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_SCOPES, targets);
    // A route that forgot to declare its scopes is closed, not open.
    if (!required || required.length === 0) throw new AuthError('ROUTE_NOT_GUARDED', 'This route declares no scope; it is closed.');

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = await this.authenticate(context, request);
    await this.authorize(principal, {
      scopes: required,
      platformOnly: this.reflector.getAllAndOverride<boolean>(PLATFORM_ONLY, targets),
      tenantOnly: this.reflector.getAllAndOverride<boolean>(TENANT_ONLY, targets),
    });
    return true;
  }

  /**
   * What a verified token may do: still live (not revoked), from a client
   * that is still registered, bound the way the route needs, with every scope
   * the route needs. Whether its tenant is usable is the tenant's rule, asked
   * where the route resolves the tenant it acts on.
   */
  async authorize(principal: Principal, rule: AccessRule): Promise<void> {
    if (!(await this.liveness.isLive(principal))) throw new AuthError('TOKEN_INVALID', 'The access token was revoked.');
    if (!(await this.clients.isRegistered(principal.clientId))) {
      throw new AuthError('TOKEN_INVALID', 'The client this token was issued to is no longer registered.');
    }
    if (rule.platformOnly && principal.tenantId !== null) {
      throw new AuthError('PLATFORM_CLIENT_REQUIRED', 'Only platform clients may call this route; this token acts for a tenant.');
    }
    if (rule.tenantOnly && principal.tenantId === null) {
      throw new AuthError('TENANT_TOKEN_REQUIRED', 'This route acts on the token’s own tenant; this token is bound to none.');
    }
    const missing = rule.scopes.filter((scope) => !principal.scopes.has(scope));
    if (missing.length > 0) {
      throw new AuthError('INSUFFICIENT_SCOPE', `The access token lacks the scope(s): ${missing.join(' ')}.`, { requiredScopes: rule.scopes });
    }
  }

  private async authenticate(context: ExecutionContext, request: AuthenticatedRequest): Promise<Principal> {
    const token = bearerToken(request.headers.authorization);
    const cached = token ? this.verified.get(token) : undefined;
    if (cached) {
      request.user = cached;
      return cached;
    }
    await super.canActivate(context);
    const principal = request.user as Principal;
    if (token) this.verified.set(token, principal);
    return principal;
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
