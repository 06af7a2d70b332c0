import { DomainError, type ErrorDefinition } from '../infra/http/domain-error.js';

export type UsersErrorCode = 'USER_NOT_FOUND' | 'USER_EMAIL_TAKEN' | 'USER_INVALID';

const DEFINITIONS: Record<UsersErrorCode, ErrorDefinition> = {
  USER_NOT_FOUND: { status: 404, title: 'User not found' },
  USER_EMAIL_TAKEN: { status: 409, title: 'Email already registered in this tenant' },
  USER_INVALID: { status: 400, title: 'Invalid user' },
};

export class UsersError extends DomainError<UsersErrorCode> {
  readonly definitions = DEFINITIONS;
}
