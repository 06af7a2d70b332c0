import { DomainError, type ErrorDefinition } from '../infra/http/domain-error.js';

export type ConsoleErrorCode = 'CONSOLE_SIGN_IN_REQUIRED' | 'CONSOLE_CSRF_REFUSED' | 'CONSOLE_SIGN_IN_FAILED';

const DEFINITIONS: Record<ConsoleErrorCode, ErrorDefinition> = {
  CONSOLE_SIGN_IN_REQUIRED: { status: 401, title: 'Sign in to the console' },
  CONSOLE_CSRF_REFUSED: { status: 403, title: 'Request refused: it did not come from a console page' },
  CONSOLE_SIGN_IN_FAILED: { status: 400, title: 'The sign-in did not complete' },
};

export class ConsoleError extends DomainError<ConsoleErrorCode> {
  readonly definitions = DEFINITIONS;
}
