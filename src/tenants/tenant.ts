export const TENANT_PLACEMENTS = ['isolated', 'pooled'] as const;
export type TenantPlacement = (typeof TENANT_PLACEMENTS)[number];
export const TENANT_STATUSES = ['active', 'suspended', 'deleting'] as const;
export type TenantStatus = (typeof TENANT_STATUSES)[number];

/** A tenant as the rest of the app sees it: enough to route to its data. */
export interface Tenant {
  id: string;
  slug: string;
  name: string;
  placement: TenantPlacement;
  schemaName: string;
  status: TenantStatus;
  /** The old copy of the data after a move, until it is removed. */
  retiredSchema: string | null;
  /** Platform setting: the tenant's own admins may toggle its flags in the console. */
  adminsMayToggleFlags: boolean;
  createdAt: Date;
}

export type TenantUsability = 'usable' | 'suspended' | 'gone';

/**
 * The one rule for whether a tenant may be acted on, asked by every path that
 * reaches a tenant (the API, OFREP, change streams, sign-in, token issuance
 * and the data gateway): active is usable; suspended is refused (403);
 * being deleted, or not there at all, is gone (404, like any unknown tenant).
 */
export function tenantUsability(tenant: Pick<Tenant, 'status'> | undefined | null): TenantUsability {
  if (!tenant || tenant.status === 'deleting') return 'gone';
  return tenant.status === 'active' ? 'usable' : 'suspended';
}
