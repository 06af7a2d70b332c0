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
  createdAt: Date;
}
