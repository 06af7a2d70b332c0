/** Custom client metadata carrying the tenant a client acts for. */
export const TENANT_ID_METADATA = 'urn:tenantry:tenant_id';
export const TENANT_SLUG_METADATA = 'urn:tenantry:tenant';
/** Custom client metadata: the browser origins the client may call from (CORS). */
export const WEB_ORIGINS_METADATA = 'urn:tenantry:web_origins';

/** Whether a browser at `origin` may call Tenantry for this oidc-provider Client instance. */
export function allowsWebOrigin(client: unknown, origin: string): boolean {
  const origins = (client as Record<string, unknown> | undefined)?.[WEB_ORIGINS_METADATA];
  return Array.isArray(origins) && origins.includes(origin);
}

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
