import type { TenantFeatureState } from '../feature.js';
import { resolveFlag } from '../flag-evaluation.js';

/** Reasons OFREP allows on a successful evaluation. */
export type OfrepReason = 'STATIC' | 'TARGETING_MATCH' | 'SPLIT' | 'DISABLED' | 'UNKNOWN';
export type OfrepErrorCode = 'PARSE_ERROR' | 'TARGETING_KEY_MISSING' | 'INVALID_CONTEXT' | 'GENERAL' | 'FLAG_NOT_FOUND';

export interface OfrepEvaluation {
  key: string;
  value: boolean | string | number | Record<string, unknown>;
  reason: OfrepReason;
  variant: string;
  /** Flag metadata: string, number or boolean values only. */
  metadata: Record<string, string | number | boolean>;
}

export interface OfrepFailure {
  key?: string;
  errorCode: OfrepErrorCode;
  errorDetails?: string;
}

export type EvaluationContext = Record<string, unknown> & { targetingKey?: string };

/** An evaluation that failed, with the OFREP status and body to answer. */
export class OfrepError extends Error {
  override name = 'OfrepError';

  constructor(
    readonly status: 400 | 404,
    readonly body: OfrepFailure,
  ) {
    super(body.errorDetails ?? body.errorCode);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The evaluation context of a request body `{ "context": { ... } }`. The
 * tenant is never taken from it: it comes from the access token.
 */
export function readContext(body: unknown, key?: string): EvaluationContext {
  const invalid = (errorDetails: string): OfrepError =>
    new OfrepError(400, { ...(key ? { key } : {}), errorCode: 'INVALID_CONTEXT', errorDetails });
  if (!isPlainObject(body)) throw invalid('The request body must be a JSON object with a "context" object.');
  const context = body.context;
  if (!isPlainObject(context)) throw invalid('"context" must be a JSON object.');
  if (context.targetingKey !== undefined && typeof context.targetingKey !== 'string') throw invalid('"targetingKey" must be a string.');
  return context as EvaluationContext;
}

/**
 * A tenant's flag evaluated for one user (see resolveFlag): STATIC when every
 * user gets the same, TARGETING_MATCH / SPLIT when a rule or the rollout
 * decided, DISABLED when targeting is set up but the flag is off. Metadata
 * says whether the tenant's own setting or the catalogue default applied.
 */
export function evaluateState(
  state: TenantFeatureState,
  context: EvaluationContext,
  tenantId: string,
): OfrepEvaluation | Required<OfrepFailure> {
  const resolution = resolveFlag(
    { key: state.key, type: state.type, defaultValue: state.defaultValue },
    { enabled: state.enabled, value: state.onValue, rules: state.rules, rollout: state.rollout },
    context,
    tenantId,
  );
  if ('errorCode' in resolution) return { key: state.key, errorCode: resolution.errorCode, errorDetails: resolution.errorDetails };
  return {
    key: state.key,
    value: resolution.value,
    reason: resolution.reason,
    variant: resolution.variant,
    metadata: { type: state.type, source: state.source, ...(state.description ? { description: state.description } : {}) },
  };
}

export function flagNotFound(key: string): OfrepError {
  return new OfrepError(404, { key, errorCode: 'FLAG_NOT_FOUND', errorDetails: `Flag "${key}" was not found.` });
}
