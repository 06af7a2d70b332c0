import { DomainError, type ErrorDefinition } from '../infra/http/domain-error.js';

export type OidcErrorCode = 'CLIENT_NOT_FOUND' | 'CLIENT_INVALID' | 'CLIENT_MANAGED';

const DEFINITIONS: Record<OidcErrorCode, ErrorDefinition> = {
  CLIENT_NOT_FOUND: { status: 404, title: 'Client not found' },
  CLIENT_INVALID: { status: 400, title: 'Invalid client registration' },
  CLIENT_MANAGED: { status: 409, title: 'This client is managed by Tenantry itself' },
};

export class OidcError extends DomainError<OidcErrorCode> {
  readonly definitions = DEFINITIONS;
}
