import { DomainError, type ErrorDefinition } from '../infra/http/domain-error.js';

export type ApiKeysErrorCode = 'API_KEY_NOT_FOUND' | 'API_KEY_REQUEST_INVALID';

const DEFINITIONS: Record<ApiKeysErrorCode, ErrorDefinition> = {
  API_KEY_NOT_FOUND: { status: 404, title: 'API key not found' },
  API_KEY_REQUEST_INVALID: { status: 400, title: 'Invalid API key request' },
};

export class ApiKeysError extends DomainError<ApiKeysErrorCode> {
  readonly definitions = DEFINITIONS;
}
