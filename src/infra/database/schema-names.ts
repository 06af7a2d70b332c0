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
