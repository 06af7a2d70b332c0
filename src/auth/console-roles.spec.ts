import { operatorScopes, tenantAdminScopes } from './console-roles.js';
import { API_SCOPES, grantsScope, PLATFORM_ONLY_SCOPES } from './scopes.js';

describe('console roles', () => {
  it('gives a viewer every read scope and nothing that writes', () => {
    expect(operatorScopes('viewer').sort()).toEqual(['clients:read', 'features:read', 'operators:read', 'tenants:read', 'users:read']);
  });

  it('gives an editor the viewer’s scopes and features:write', () => {
    expect(operatorScopes('editor').sort()).toEqual([
      'clients:read',
      'features:read',
      'features:write',
      'operators:read',
      'tenants:read',
      'users:read',
    ]);
  });

  it('gives an admin every API scope', () => {
    expect(operatorScopes('admin')).toEqual([...API_SCOPES]);
    expect(operatorScopes('admin')).toContain('operators:write');
  });

  it('gives a tenant admin no platform-only scope, and features:write only when the tenant allows it', () => {
    for (const scopes of [tenantAdminScopes(false), tenantAdminScopes(true)]) {
      expect(scopes.filter((scope) => PLATFORM_ONLY_SCOPES.includes(scope))).toEqual([]);
    }
    expect(tenantAdminScopes(false)).not.toContain('features:write');
    expect(tenantAdminScopes(true)).toContain('features:write');
  });
});

describe(grantsScope.name, () => {
  it('accepts the scope itself', () => {
    expect(grantsScope(new Set(['users:read']), 'users:read')).toBe(true);
  });

  it('accepts the platform scope that always covered users and clients', () => {
    expect(grantsScope(new Set(['tenants:write']), 'users:write')).toBe(true);
    expect(grantsScope(new Set(['tenants:read']), 'clients:read')).toBe(true);
  });

  it('does not let a read scope stand for a write scope, nor imply anything else', () => {
    expect(grantsScope(new Set(['tenants:read']), 'users:write')).toBe(false);
    expect(grantsScope(new Set(['users:write']), 'tenants:write')).toBe(false);
    expect(grantsScope(new Set(['tenants:write']), 'operators:write')).toBe(false);
  });
});
