import { Injectable } from '@nestjs/common';
import { ClientsService } from '../oidc/clients.service.js';
import { AuthError } from './auth.errors.js';
import type { Principal } from './principal.js';
import { TokenStatusService } from './token-status.service.js';
import { VerifiedTokenCache } from './verified-token.cache.js';

export interface AccessRule {
  scopes: string[];
  platformOnly?: boolean;
  tenantOnly?: boolean;
}

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i;

export function bearerToken(authorization: string | undefined): string | undefined {
  return BEARER.exec(authorization ?? '')?.[1];
}

/**
 * What a verified token may do: still live (not revoked), from a client that
 * is still registered with an active tenant, bound the way the route needs,
 * with every scope the route needs. The guard and the fast read path both ask
 * here, so the rule lives in one place.
 */
@Injectable()
export class AccessAuthorizer {
  constructor(
    private readonly verified: VerifiedTokenCache,
    private readonly status: TokenStatusService,
    private readonly clients: ClientsService,
  ) {}

  /** The principal of a token verified before and not yet expired. */
  cachedPrincipal(authorization: string | undefined): Principal | undefined {
    const token = bearerToken(authorization);
    return token ? this.verified.get(token) : undefined;
  }

  remember(token: string, principal: Principal): void {
    this.verified.set(token, principal);
  }

  async authorize(principal: Principal, rule: AccessRule): Promise<void> {
    if (!(await this.status.isActive(principal))) throw new AuthError('TOKEN_INVALID', 'The access token was revoked.');
    if (!(await this.clients.findActive(principal.clientId))) {
      throw new AuthError('TOKEN_INVALID', 'The client this token was issued to is no longer registered or its tenant is not active.');
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
}
