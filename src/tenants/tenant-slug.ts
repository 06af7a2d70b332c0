/** Lowercase letters, digits and inner hyphens; 1 to 40 characters. Mirrored by a CHECK constraint. */
export const TENANT_SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
export const TENANT_SLUG_MAX_LENGTH = 40;

export function isValidTenantSlug(value: unknown): value is string {
  return typeof value === 'string' && TENANT_SLUG_PATTERN.test(value);
}

/**
 * The PostgreSQL schema of an isolated tenant. Only ever built from a slug
 * that passed validation; hyphens (not valid unquoted) become underscores,
 * which slugs cannot contain, so two slugs never share a schema.
 */
export function tenantSchemaName(slug: string): string {
  if (!isValidTenantSlug(slug)) throw new Error(`invalid tenant slug "${slug}"`);
  return `tenant_${slug.replaceAll('-', '_')}`;
}
