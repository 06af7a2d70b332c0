import type { ApiScope } from './scopes.js';
import { API_SCOPES } from './scopes.js';

/** The roles of operators, the people who run this Tenantry. */
export const OPERATOR_ROLES = ['viewer', 'editor', 'admin'] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];
/** A tenant user's role in its tenant; `admin` may sign in to the console for its tenant. */
export const TENANT_USER_ROLES = ['member', 'admin'] as const;
export type TenantUserRole = (typeof TENANT_USER_ROLES)[number];

const READ_SCOPES = API_SCOPES.filter((scope) => scope.endsWith(':read'));

/**
 * The one place where a console role becomes API scopes: the console's
 * token carries exactly these, so the API enforces what the console shows.
 */
export function operatorScopes(role: OperatorRole): ApiScope[] {
  if (role === 'admin') return [...API_SCOPES];
  if (role === 'editor') return [...READ_SCOPES, 'features:write'];
  return [...READ_SCOPES];
}

/** A tenant admin acts inside its tenant only (the token is bound to it). */
export function tenantAdminScopes(mayToggleFlags: boolean): ApiScope[] {
  return [
    'features:read',
    'users:read',
    'users:write',
    'clients:read',
    'clients:write',
    ...(mayToggleFlags ? (['features:write'] as const) : []),
  ];
}
