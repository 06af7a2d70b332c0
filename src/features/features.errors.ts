import { DomainError, type ErrorDefinition } from '../infra/http/domain-error.js';

export type FeaturesErrorCode =
  | 'FEATURE_NOT_FOUND'
  | 'FEATURE_KEY_TAKEN'
  | 'FEATURE_PRECONDITION_FAILED'
  | 'FEATURE_QUERY_INVALID'
  | 'FEATURE_INVALID'
  | 'FEATURE_WRITE_CONFLICT'
  | 'SEGMENT_NOT_FOUND'
  | 'SEGMENT_IN_USE';

const DEFINITIONS: Record<FeaturesErrorCode, ErrorDefinition> = {
  FEATURE_NOT_FOUND: { status: 404, title: 'Feature not found' },
  FEATURE_KEY_TAKEN: { status: 409, title: 'Feature key already in use' },
  FEATURE_PRECONDITION_FAILED: { status: 412, title: 'Feature changed since it was read' },
  FEATURE_QUERY_INVALID: { status: 400, title: 'Invalid feature query' },
  FEATURE_INVALID: { status: 400, title: 'Invalid feature' },
  FEATURE_WRITE_CONFLICT: { status: 409, title: 'Feature kept changing during the write' },
  SEGMENT_NOT_FOUND: { status: 404, title: 'Segment not found' },
  SEGMENT_IN_USE: { status: 409, title: 'Segment is used by flag rules' },
};

export class FeaturesError extends DomainError<FeaturesErrorCode> {
  readonly definitions = DEFINITIONS;
}
