/**
 * Every scope Tenantry knows, once: the provider advertises and grants these,
 * the guard checks them, Swagger UI offers them and the consent page explains
 * them, all from this table.
 */
export const SCOPES = {
  openid: { kind: 'oidc', description: 'Know who you are (your account identifier)', platformOnly: false },
  profile: { kind: 'oidc', description: 'See your name', platformOnly: false },
  email: { kind: 'oidc', description: 'See your email address', platformOnly: false },
  offline_access: { kind: 'oidc', description: 'Stay signed in to act for you when you are not using it', platformOnly: false },
  'features:read': { kind: 'api', description: 'See which features are enabled for your organisation', platformOnly: false },
  'features:write': { kind: 'api', description: 'Turn features on and off for your organisation', platformOnly: false },
  'tenants:read': { kind: 'api', description: 'Read the tenant registry, clients and users (platform clients)', platformOnly: true },
  'tenants:write': { kind: 'api', description: 'Create and change tenants, clients and users (platform clients)', platformOnly: true },
  'users:read': { kind: 'api', description: 'See the users of your organisation', platformOnly: false, impliedBy: 'tenants:read' },
  'users:write': {
    kind: 'api',
    description: 'Create, disable and delete the users of your organisation',
    platformOnly: false,
    impliedBy: 'tenants:write',
  },
  'clients:read': {
    kind: 'api',
    description: 'See the applications registered for your organisation',
    platformOnly: false,
    impliedBy: 'tenants:read',
  },
  'clients:write': {
    kind: 'api',
    description: 'Register applications for your organisation, rotate their secrets, remove them',
    platformOnly: false,
    impliedBy: 'tenants:write',
  },
  'operators:read': { kind: 'api', description: 'See the operators of this Tenantry (platform)', platformOnly: true },
  'operators:write': {
    kind: 'api',
    description: 'Create, change and remove the operators of this Tenantry (platform)',
    platformOnly: true,
  },
} as const satisfies Record<string, { kind: 'oidc' | 'api'; description: string; platformOnly: boolean; impliedBy?: string }>;

export type Scope = keyof typeof SCOPES;
export type ApiScope = { [Name in Scope]: (typeof SCOPES)[Name]['kind'] extends 'api' ? Name : never }[Scope];

const names = Object.keys(SCOPES) as Scope[];
export const ALL_SCOPES: readonly Scope[] = names;
export const API_SCOPES = names.filter((scope): scope is ApiScope => SCOPES[scope].kind === 'api');
export const OIDC_SCOPES = names.filter((scope) => SCOPES[scope].kind === 'oidc');
/** Scopes only a platform client (bound to no tenant) may hold. */
export const PLATFORM_ONLY_SCOPES = names.filter((scope) => SCOPES[scope].platformOnly);

const known = new Set<string>(names);
const api = new Set<string>(API_SCOPES);

export function isScope(value: string): value is Scope {
  return known.has(value);
}

export function isApiScope(value: string): value is ApiScope {
  return api.has(value);
}

/**
 * Whether a token's scopes satisfy `required`: held itself, or through the
 * broader platform scope that covered it before it existed (tenants:write
 * has always managed users and clients).
 */
export function grantsScope(held: ReadonlySet<string>, required: string): boolean {
  if (held.has(required)) return true;
  const entry = isScope(required) ? (SCOPES[required] as { impliedBy?: string }) : undefined;
  return entry?.impliedBy !== undefined && held.has(entry.impliedBy);
}

export function describeScope(scope: string): string {
  return isScope(scope) ? SCOPES[scope].description : scope;
}
