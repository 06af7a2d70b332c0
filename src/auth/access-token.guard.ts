// RFC 6750 §3.1, RFC 9068 §4 and RFC 9449 §7: every API route needs a valid access token (or API key) carrying its scopes,
// a DPoP-bound one only with its proof, a publishable key only where flags are evaluated; deny by default.
import { ExecutionContext, Injectable, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { ACCESS_TOKEN_STRATEGY, AccessTokenRejected } from './access-token.strategy.js';
import { ApiKeyAuthenticator, presentedApiKey } from './api-key.port.js';
import { PLATFORM_ONLY, PUBLISHABLE_KEY_ALLOWED, REQUIRED_SCOPES, TENANT_ONLY, type AuthenticatedRequest } from './auth.decorators.js';
import { AuthError } from './auth.errors.js';
import { ServerConfig } from '../config/app-config.js';
import { checkDpopProof, DPOP_PROOF_WINDOW_SECONDS, DpopProofRejected } from './dpop-proof.js';
import { DpopReplayRepository } from './dpop-replay.repository.js';
import { ClientRegistry, TokenLiveness } from './issuer.port.js';
import type { Principal } from './principal.js';
import { IS_PUBLIC } from './public.decorator.js';
import { grantsScope } from './scopes.js';
import { presentedToken, VerifiedTokenCache, type PresentedToken } from './verified-token.cache.js';

const NO_TOKEN = 'No auth token';
// What jsonwebtoken (inside passport-jwt) throws for a bad token. Anything
// else reaching handleRequest is our failure (database, decryption): a 500.
const TOKEN_FAULTS = new Set(['JsonWebTokenError', 'TokenExpiredError', 'NotBeforeError', 'AccessTokenRejected']);

export interface AccessRule {
  scopes: readonly string[];
  platformOnly?: boolean;
  tenantOnly?: boolean;
  /** Publishable API keys may call it (flag evaluation). */
  publishableKey?: boolean;
}

@Injectable()
export class AccessTokenGuard extends AuthGuard(ACCESS_TOKEN_STRATEGY) {
  constructor(
    private readonly reflector: Reflector,
    private readonly verified: VerifiedTokenCache,
    private readonly liveness: TokenLiveness,
    private readonly clients: ClientRegistry,
    private readonly proofs: DpopReplayRepository,
    private readonly server: ServerConfig,
    // Absent where no module issues API keys: keys are then refused like any unknown credential.
    @Optional() private readonly apiKeys?: ApiKeyAuthenticator,
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
    const apiKey = presentedApiKey(request.headers);
    if (apiKey !== undefined) return this.admitApiKey(apiKey, request, rule);
    const authorization = request.headers.authorization;
    const known = authorization === undefined ? undefined : this.verified.get(authorization);
    if (!known) return this.verifyThenAuthorize(context, request, authorization, rule);
    const cached = known.principal;
    request.user = cached;
    const bound = this.checkBinding(cached, known.presented, request);
    if (bound !== undefined) return bound.then(() => this.authorize(cached, rule)).then(() => true);
    const decided = this.authorize(cached, rule);
    return decided === undefined ? true : decided.then(() => true);
  }

  /**
   * RFC 9449 §7: a token bound to a key (cnf.jkt) is accepted only with
   * `Authorization: DPoP` and a proof by that key for this very request,
   * never as Bearer; a token bound to none is not a DPoP token. Undefined
   * (no work) for the common case, a bearer token presented as Bearer.
   */
  private checkBinding(principal: Principal, presented: PresentedToken, request: AuthenticatedRequest): Promise<void> | undefined {
    if (principal.jkt === null) {
      if (presented.scheme === 'dpop')
        throw new AuthError('TOKEN_INVALID', 'This token is not bound to a DPoP key: send it as Authorization: Bearer.');
      return undefined;
    }
    if (presented.scheme !== 'dpop') {
      throw new AuthError('TOKEN_INVALID', 'This token is bound to a DPoP key: send it as Authorization: DPoP with a DPoP proof.');
    }
    return this.checkProof(principal.jkt, presented.token, request);
  }

  private async checkProof(jkt: string, token: string, request: AuthenticatedRequest): Promise<void> {
    const header = request.headers.dpop;
    if (typeof header !== 'string' || header.includes(','))
      throw new AuthError('DPOP_PROOF_INVALID', 'Send one DPoP proof in the DPoP header.');
    let proof;
    try {
      proof = await checkDpopProof({
        proof: header,
        method: request.method,
        url: `${this.server.publicUrl}${request.url}`,
        accessToken: token,
      });
    } catch (error) {
      if (error instanceof DpopProofRejected) throw new AuthError('DPOP_PROOF_INVALID', error.message);
      throw error;
    }
    if (proof.jkt !== jkt)
      throw new AuthError('DPOP_PROOF_INVALID', 'The DPoP proof is signed by another key than the one the token is bound to.');
    const expiresAt = new Date((proof.iat + DPOP_PROOF_WINDOW_SECONDS) * 1000);
    if (!(await this.proofs.remember(proof.jkt, proof.jti, expiresAt)))
      throw new AuthError('DPOP_PROOF_INVALID', 'This DPoP proof was used before.');
  }

  /** An API key instead of a token: the key's own restrictions, then the route's rule, then its rate limit. */
  private admitApiKey(key: string, request: AuthenticatedRequest, rule: AccessRule): boolean | Promise<boolean> {
    if (key === 'ambiguous')
      throw new AuthError('API_KEY_INVALID', 'Send one credential: an API key in X-API-Key, or an Authorization header, not both.');
    if (!this.apiKeys) throw new AuthError('API_KEY_INVALID', 'API keys are not accepted here.');
    const origin = request.headers.origin;
    const authenticated = this.apiKeys.authenticate(key, { origin: typeof origin === 'string' ? origin : undefined, ip: request.ip });
    if (authenticated instanceof Promise)
      return authenticated.then((principal) => this.authorizeKey(principal, request, rule)).then(() => true);
    const admitted = this.authorizeKey(authenticated, request, rule);
    return admitted === undefined ? true : admitted.then(() => true);
  }

  private authorizeKey(principal: Principal, request: AuthenticatedRequest, rule: AccessRule): void | Promise<void> {
    request.user = principal;
    if (principal.apiKey?.kind === 'publishable' && !rule.publishableKey) {
      throw new AuthError(
        'PUBLISHABLE_KEY_NOT_ALLOWED',
        'A publishable key only evaluates flags (OFREP and the change stream); use a secret key or an access token here.',
      );
    }
    this.decide(principal, rule, true, true);
    return this.apiKeys!.admit(principal);
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
      if (!grantsScope(principal.scopes, scope)) {
        const missing = rule.scopes.filter((required) => !grantsScope(principal.scopes, required));
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
            publishableKey: this.reflector.getAllAndOverride<boolean>(PUBLISHABLE_KEY_ALLOWED, targets),
          };
      this.rules.set(handler, rule);
    }
    if (rule !== null && rule.scopes.length === 0) throw new AuthError('ROUTE_NOT_GUARDED', 'This route declares no scope; it is closed.');
    return rule;
  }

  private async verifyThenAuthorize(
    context: ExecutionContext,
    request: AuthenticatedRequest,
    authorization: string | undefined,
    rule: AccessRule,
  ): Promise<boolean> {
    await super.canActivate(context);
    const principal = request.user as Principal;
    const presented = presentedToken(authorization);
    if (authorization !== undefined && presented) {
      this.verified.set(authorization, { principal, presented });
      await this.checkBinding(principal, presented, request);
    }
    await this.authorize(principal, rule);
    return true;
  }

  override handleRequest<TUser = Principal>(error: unknown, user: TUser | false, info: unknown): TUser {
    if (error instanceof AccessTokenRejected) throw new AuthError('TOKEN_INVALID', error.message);
    if (error) throw error;
    if (user) return user;
    if (!(info instanceof Error)) throw new AuthError('TOKEN_INVALID', 'The access token could not be verified.');
    if (info.message === NO_TOKEN)
      throw new AuthError('TOKEN_MISSING', 'Send an access token: Authorization: Bearer <token> (or DPoP <token> with a DPoP proof).');
    if (TOKEN_FAULTS.has(info.name)) throw new AuthError('TOKEN_INVALID', info.message);
    throw info;
  }
}
