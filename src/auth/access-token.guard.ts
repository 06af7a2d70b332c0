// RFC 6750 §3.1 and RFC 9068 §4: every API route needs a valid access token carrying its scopes; deny by default.
import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { ACCESS_TOKEN_STRATEGY, AccessTokenRejected } from './access-token.strategy.js';
import { PLATFORM_ONLY, REQUIRED_SCOPES, TENANT_ONLY, type AuthenticatedRequest } from './auth.decorators.js';
import { AuthError } from './auth.errors.js';
import type { Principal } from './principal.js';
import { IS_PUBLIC } from './public.decorator.js';
import { AccessAuthorizer, bearerToken } from './access-authorizer.service.js';

const NO_TOKEN = 'No auth token';
// What jsonwebtoken (inside passport-jwt) throws for a bad token. Anything
// else reaching handleRequest is our failure (database, decryption): a 500.
const TOKEN_FAULTS = new Set(['JsonWebTokenError', 'TokenExpiredError', 'NotBeforeError', 'AccessTokenRejected']);

@Injectable()
export class AccessTokenGuard extends AuthGuard(ACCESS_TOKEN_STRATEGY) {
  constructor(
    private readonly reflector: Reflector,
    private readonly authorizer: AccessAuthorizer,
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
    await this.authorizer.authorize(principal, {
      scopes: required,
      platformOnly: this.reflector.getAllAndOverride<boolean>(PLATFORM_ONLY, targets),
      tenantOnly: this.reflector.getAllAndOverride<boolean>(TENANT_ONLY, targets),
    });
    return true;
  }

  private async authenticate(context: ExecutionContext, request: AuthenticatedRequest): Promise<Principal> {
    const cached = this.authorizer.cachedPrincipal(request.headers.authorization);
    if (cached) {
      request.user = cached;
      return cached;
    }
    await super.canActivate(context);
    const principal = request.user as Principal;
    const token = bearerToken(request.headers.authorization);
    if (token) this.authorizer.remember(token, principal);
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
