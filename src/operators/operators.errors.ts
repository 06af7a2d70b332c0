import { DomainError, type ErrorDefinition } from '../infra/http/domain-error.js';

export type OperatorsErrorCode = 'OPERATOR_NOT_FOUND' | 'OPERATOR_EMAIL_TAKEN' | 'OPERATOR_INVALID' | 'OPERATOR_LAST_ADMIN';

const DEFINITIONS: Record<OperatorsErrorCode, ErrorDefinition> = {
  OPERATOR_NOT_FOUND: { status: 404, title: 'Operator not found' },
  OPERATOR_EMAIL_TAKEN: { status: 409, title: 'Email already registered for an operator' },
  OPERATOR_INVALID: { status: 400, title: 'Invalid operator' },
  OPERATOR_LAST_ADMIN: { status: 409, title: 'The last active admin cannot be removed, disabled or demoted' },
};

export class OperatorsError extends DomainError<OperatorsErrorCode> {
  readonly definitions = DEFINITIONS;
}
