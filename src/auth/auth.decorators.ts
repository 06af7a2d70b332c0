import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { ApiForbiddenResponse, ApiOAuth2, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Principal } from './principal.js';
import type { ApiScope } from './scopes.js';

export const REQUIRED_SCOPES = 'tenantry:required-scopes';
export const PLATFORM_ONLY = 'tenantry:platform-only';
export const TENANT_ONLY = 'tenantry:tenant-only';
export const PUBLISHABLE_KEY_ALLOWED = 'tenantry:publishable-key-allowed';
export const API_KEY_SECURITY_SCHEME = 'api-key';
export const OAUTH2_SECURITY_SCHEMES = ['client-credentials', 'authorization-code'];

interface RequireScopesOptions {
  /** Only platform clients (tokens bound to no tenant) may call the route. */
  platformOnly?: boolean;
  /** Only tokens bound to a tenant may call the route (it acts on the token's tenant). */
  tenantOnly?: boolean;
}

/**
 * The scopes a route requires (all of them), its Swagger security and error
 * responses, in one decorator. Enforced by AccessTokenGuard.
 */
export function RequireScopes(scopes: ApiScope | ApiScope[], options: RequireScopesOptions = {}): MethodDecorator & ClassDecorator {
  const required = Array.isArray(scopes) ? scopes : [scopes];
  return applyDecorators(
    SetMetadata(REQUIRED_SCOPES, required),
    SetMetadata(PLATFORM_ONLY, options.platformOnly ?? false),
    SetMetadata(TENANT_ONLY, options.tenantOnly ?? false),
    ...OAUTH2_SECURITY_SCHEMES.map((scheme) => ApiOAuth2(required, scheme)),
    // Secret API keys act for one tenant: never on platform routes.
    ...(options.platformOnly ? [] : [ApiSecurity(API_KEY_SECURITY_SCHEME)]),
    ApiUnauthorizedResponse({ description: 'No access token, or an invalid or expired one' }),
    ApiForbiddenResponse({
      description: `The token lacks ${required.join(' and ')}${options.platformOnly ? ', or is bound to a tenant' : ''}${options.tenantOnly ? ', or is bound to no tenant' : ''}`,
    }),
  );
}

/**
 * Opens a flag evaluation route to publishable API keys (OFREP, the change
 * stream). Every other route refuses them (403), whatever it requires.
 */
export function AllowPublishableKey(): MethodDecorator & ClassDecorator {
  return applyDecorators(SetMetadata(PUBLISHABLE_KEY_ALLOWED, true));
}

export interface AuthenticatedRequest extends FastifyRequest {
  user?: Principal;
}

/** The verified caller. Only valid on routes behind AccessTokenGuard. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().user;
  if (!principal) throw new Error('CurrentPrincipal used on a route without an authenticated principal');
  return principal;
});
