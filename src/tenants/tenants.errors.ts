import { DomainError, type ErrorDefinition } from '../infra/http/domain-error.js';

export type TenantsErrorCode =
  | 'TENANT_NOT_FOUND'
  | 'TENANT_SLUG_TAKEN'
  | 'TENANT_SLUG_INVALID'
  | 'TENANT_SUSPENDED'
  | 'TENANT_BEING_DELETED'
  | 'TENANT_QUERY_INVALID'
  | 'TENANT_MOVE_CONFLICT'
  | 'TENANT_SCHEMAS_DIFFER';

const DEFINITIONS: Record<TenantsErrorCode, ErrorDefinition> = {
  TENANT_NOT_FOUND: { status: 404, title: 'Tenant not found' },
  TENANT_SLUG_TAKEN: { status: 409, title: 'Tenant slug already in use' },
  TENANT_SLUG_INVALID: { status: 400, title: 'Invalid tenant slug' },
  TENANT_SUSPENDED: { status: 403, title: 'Tenant suspended' },
  TENANT_BEING_DELETED: { status: 409, title: 'Tenant is being deleted' },
  TENANT_QUERY_INVALID: { status: 400, title: 'Invalid tenant query' },
  TENANT_MOVE_CONFLICT: { status: 409, title: 'Tenant changed during the move' },
  TENANT_SCHEMAS_DIFFER: { status: 409, title: 'Tenant schemas are at different migrations' },
};

export class TenantsError extends DomainError<TenantsErrorCode> {
  readonly definitions = DEFINITIONS;
}

/** The answer for a tenant that is not usable (see tenantUsability), the same wherever it is asked. */
export function unusableTenant(usability: 'suspended' | 'gone', slug: string): TenantsError {
  return usability === 'suspended'
    ? new TenantsError('TENANT_SUSPENDED', `Tenant "${slug}" is suspended.`)
    : new TenantsError('TENANT_NOT_FOUND', `No tenant has slug "${slug}".`);
}
