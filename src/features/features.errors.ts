import { DomainError, type ErrorDefinition } from '../infra/http/domain-error.js';

export type FeaturesErrorCode = 'FEATURE_NOT_FOUND' | 'FEATURE_KEY_TAKEN';

const DEFINITIONS: Record<FeaturesErrorCode, ErrorDefinition> = {
  FEATURE_NOT_FOUND: { status: 404, title: 'Feature not found' },
  FEATURE_KEY_TAKEN: { status: 409, title: 'Feature key already in use' },
};

export class FeaturesError extends DomainError<FeaturesErrorCode> {
  readonly definitions = DEFINITIONS;
}
