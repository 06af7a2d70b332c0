import { applyDecorators, CanActivate, createParamDecorator, ExecutionContext, Injectable, SetMetadata, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiNotFoundResponse } from '@nestjs/swagger';
import type { AuthenticatedRequest } from '../auth/auth.decorators.js';
import type { Tenant } from './tenant.js';
import { TenantAccessService } from './tenant-access.service.js';

const TENANT_SOURCE = 'tenantry:tenant-source';
const ACTING_TENANT = Symbol('tenantry:acting-tenant');

type TenantSource = 'path' | 'token';
type WithActingTenant = AuthenticatedRequest & { [ACTING_TENANT]?: Tenant; params: Record<string, string | undefined> };

/** Resolves the tenant a route acts on once, before the handler (after the access token guard). */
@Injectable()
export class ActingTenantGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly access: TenantAccessService,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const source = this.reflector.get<TenantSource>(TENANT_SOURCE, context.getHandler()) ?? 'path';
    const request = context.switchToHttp().getRequest<WithActingTenant>();
    if (!request.user) throw new Error('ActsOnTenant needs an authenticated principal (a route with RequireScopes)');
    const resolved = this.access.resolve(request.user, source === 'path' ? (request.params.slug ?? '') : null);
    if (!(resolved instanceof Promise)) {
      request[ACTING_TENANT] = resolved;
      return true;
    }
    return resolved.then((tenant) => {
      request[ACTING_TENANT] = tenant;
      return true;
    });
  }
}

/**
 * The route acts on one tenant: the `{slug}` of its path, or ('token') the
 * access token's own. Another tenant's slug and an unknown one answer 404, a
 * suspended tenant 403, for every kind of token.
 */
export function ActsOnTenant(source: TenantSource = 'path'): MethodDecorator {
  return applyDecorators(
    SetMetadata(TENANT_SOURCE, source),
    UseGuards(ActingTenantGuard),
    ApiNotFoundResponse({
      description: source === 'path' ? 'No such tenant, or not one this token may see' : 'The token’s tenant no longer exists',
    }),
  );
}

/** The tenant resolved by ActsOnTenant. */
export const ActingTenant = createParamDecorator((_data: unknown, context: ExecutionContext): Tenant => {
  const tenant = context.switchToHttp().getRequest<WithActingTenant>()[ACTING_TENANT];
  if (!tenant) throw new Error('ActingTenant used on a route without ActsOnTenant');
  return tenant;
});
