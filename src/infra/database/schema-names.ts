/** The control plane's PostgreSQL schema: tenants, clients, keys, oidc-provider state, catalogue. */
export const CONTROL_SCHEMA = 'tenantry';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Quotes a schema name for SQL. Every schema name we build comes from a
 * validated slug, but the quoting refuses anything else as a second fence.
 */
export function quoteSchema(schemaName: string): string {
  if (!SCHEMA_NAME.test(schemaName)) {
    throw new Error(`refusing unsafe schema name "${schemaName}"`);
  }
  return `"${schemaName}"`;
}

/**
 * The shared schema of pooled tenants. Isolated schemas are `tenant_<slug>`,
 * so this name (plural) can never be an isolated tenant's.
 */
export const POOLED_SCHEMA = 'tenants_pooled';

/**
 * The role every query on pooled data runs as (SET LOCAL ROLE): not a
 * superuser, not the owner of the tables, no BYPASSRLS, so row-level
 * security applies to it whatever the connecting user may do.
 */
export const POOLED_ROLE = 'tenantry_pooled';

/** The setting the pooled schema's policies read: the tenant a transaction acts for. */
export const TENANT_ID_SETTING = 'tenantry.tenant_id';
