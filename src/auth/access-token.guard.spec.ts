import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ServerConfig } from '../config/app-config.js';
import { AccessTokenGuard } from './access-token.guard.js';
import { PLATFORM_ONLY, REQUIRED_SCOPES, TENANT_ONLY } from './auth.decorators.js';
import { AuthError } from './auth.errors.js';
import type { Principal } from './principal.js';
import { IS_PUBLIC } from './public.decorator.js';
import type { ClientRegistry, TokenLiveness } from './issuer.port.js';
import { VerifiedTokenCache } from './verified-token.cache.js';

function principal(scopes: string[], tenantId: string | null = null): Principal {
  return { tokenId: 'j', clientId: 'c', subject: 'c', scopes: new Set(scopes), tenantId, tenantSlug: tenantId, expiresAt: 0, jkt: null };
}

function contextFor(metadata: Record<string, unknown>, user?: Principal): ExecutionContext {
  const handler = () => undefined;
  for (const [key, value] of Object.entries(metadata)) Reflect.defineMetadata(key, value, handler);
  return {
    getHandler: () => handler,
    getClass: () => class Controller {},
    switchToHttp: () => ({ getRequest: () => ({ user, headers: {} }) }),
  } as unknown as ExecutionContext;
}

// Token verification itself is exercised end to end (test/e2e/api-auth); here
// the guard's decisions once passport has produced a principal, so passport's
// own canActivate is replaced for the duration of one call.
// The token's record and its client are live: the decisions under test come after.
function guardWithLiveTokens(live = true, registered = true): AccessTokenGuard {
  const liveness: TokenLiveness = { isLive: () => live };
  const clients: ClientRegistry = { isRegistered: () => registered };
  // Bearer tokens only here: the DPoP proof store is never reached (DPoP is exercised end to end, test/e2e/dpop).
  return new AccessTokenGuard(
    new Reflector(),
    new VerifiedTokenCache(),
    liveness,
    clients,
    undefined as never,
    new ServerConfig(3000, 'http://localhost:3000', false, false, 25),
  );
}

async function decide(metadata: Record<string, unknown>, user?: Principal, guard = guardWithLiveTokens()): Promise<true | string> {
  const parent = Object.getPrototypeOf(AccessTokenGuard.prototype) as { canActivate: () => Promise<boolean> };
  const original = parent.canActivate;
  parent.canActivate = async () => true;
  try {
    return (await guard.canActivate(contextFor(metadata, user))) as true;
  } catch (error) {
    return error instanceof AuthError ? error.code : String(error);
  } finally {
    parent.canActivate = original;
  }
}

describe(AccessTokenGuard.name, () => {
  it('lets public routes through without a token', async () => {
    expect(await decide({ [IS_PUBLIC]: true })).toBe(true);
  });

  it('closes a route that declares no scope (deny by default)', async () => {
    expect(await decide({}, principal(['features:read']))).toBe('ROUTE_NOT_GUARDED');
  });

  it('requires every declared scope', async () => {
    expect(await decide({ [REQUIRED_SCOPES]: ['features:read', 'features:write'] }, principal(['features:read']))).toBe(
      'INSUFFICIENT_SCOPE',
    );
    expect(await decide({ [REQUIRED_SCOPES]: ['features:read', 'features:write'] }, principal(['features:read', 'features:write']))).toBe(
      true,
    );
  });

  it('keeps platform-only routes from tenant-bound tokens', async () => {
    const metadata = { [REQUIRED_SCOPES]: ['tenants:read'], [PLATFORM_ONLY]: true };
    expect(await decide(metadata, principal(['tenants:read'], 'tenant-1'))).toBe('PLATFORM_CLIENT_REQUIRED');
    expect(await decide(metadata, principal(['tenants:read'], null))).toBe(true);
  });

  it('keeps tenant-only routes (OFREP, /me streams) from platform tokens', async () => {
    const metadata = { [REQUIRED_SCOPES]: ['features:read'], [TENANT_ONLY]: true };
    expect(await decide(metadata, principal(['features:read'], null))).toBe('TENANT_TOKEN_REQUIRED');
    expect(await decide(metadata, principal(['features:read'], 'tenant-1'))).toBe(true);
  });

  it('refuses a revoked token, and one whose client is no longer registered', async () => {
    const metadata = { [REQUIRED_SCOPES]: ['features:read'] };
    expect(await decide(metadata, principal(['features:read']), guardWithLiveTokens(false, true))).toBe('TOKEN_INVALID');
    expect(await decide(metadata, principal(['features:read']), guardWithLiveTokens(true, false))).toBe('TOKEN_INVALID');
  });

  it('maps passport outcomes to missing and invalid tokens', () => {
    const guard = guardWithLiveTokens();
    expect(() => guard.handleRequest(null, false, new Error('No auth token'))).toThrow(expect.objectContaining({ code: 'TOKEN_MISSING' }));
    const expired = Object.assign(new Error('jwt expired'), { name: 'TokenExpiredError' });
    expect(() => guard.handleRequest(null, false, expired)).toThrow(
      expect.objectContaining({ code: 'TOKEN_INVALID', detail: 'jwt expired' }),
    );
    expect(guard.handleRequest(null, principal([]), undefined)).toEqual(principal([]));
  });

  it('lets an internal failure during verification surface as itself, not as a 401', () => {
    const guard = guardWithLiveTokens();
    const failure = new Error('connect ECONNREFUSED 127.0.0.1:5432');
    expect(() => guard.handleRequest(null, false, failure)).toThrow(failure);
  });
});
