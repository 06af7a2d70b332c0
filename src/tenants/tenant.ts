export type TenantPlacement = 'isolated' | 'pooled';
export type TenantStatus = 'active' | 'suspended' | 'deleting';

/** A tenant as the rest of the app sees it: enough to route to its data. */
export interface Tenant {
  id: string;
  slug: string;
  name: string;
  placement: TenantPlacement;
  schemaName: string;
  status: TenantStatus;
  createdAt: Date;
}
