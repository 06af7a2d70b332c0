/** Custom client metadata carrying the tenant a client acts for. */
export const TENANT_ID_METADATA = 'urn:tenantry:tenant_id';
export const TENANT_SLUG_METADATA = 'urn:tenantry:tenant';

export interface ClientTenant {
  tenantId: string;
  tenantSlug: string;
}

/** The tenant an oidc-provider Client instance acts for; undefined for platform clients. */
export function clientTenant(client: unknown): ClientTenant | undefined {
  const metadata = client as Record<string, unknown> | undefined;
  const tenantId = metadata?.[TENANT_ID_METADATA];
  const tenantSlug = metadata?.[TENANT_SLUG_METADATA];
  return typeof tenantId === 'string' && typeof tenantSlug === 'string' ? { tenantId, tenantSlug } : undefined;
}
