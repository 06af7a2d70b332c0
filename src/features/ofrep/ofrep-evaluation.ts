import type { TenantFeatureState } from '../feature.js';
import type { Outcome, Reason } from '../flag-evaluation.js';

/** Reasons OFREP allows on a successful evaluation. */
export type OfrepReason = 'STATIC' | 'TARGETING_MATCH' | 'SPLIT' | 'DISABLED' | 'UNKNOWN';
export type OfrepErrorCode = 'PARSE_ERROR' | 'TARGETING_KEY_MISSING' | 'INVALID_CONTEXT' | 'GENERAL' | 'FLAG_NOT_FOUND';

export interface OfrepEvaluation {
  key: string;
  value: boolean | string | number | Record<string, unknown>;
  reason: OfrepReason;
  variant: string;
  /** Flag metadata (string, number or boolean values), only when the flag has some. */
  metadata?: Record<string, string | number | boolean>;
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
 * OFREP's reasons are STATIC, TARGETING_MATCH, SPLIT, DISABLED and UNKNOWN
 * (open-feature/protocol service/openapi.yaml): a flag whose rules matched no
 * one and that has no rollout serves its variant by default, which OpenFeature
 * calls DEFAULT and OFREP cannot say: it answers UNKNOWN.
 */
const OFREP_REASONS: Record<Reason, OfrepReason> = {
  STATIC: 'STATIC',
  TARGETING_MATCH: 'TARGETING_MATCH',
  SPLIT: 'SPLIT',
  DISABLED: 'DISABLED',
  DEFAULT: 'UNKNOWN',
};

/** One possible answer of a flag, as OFREP gives it, and rendered. */
export interface OfrepAnswer {
  evaluation: OfrepEvaluation | Required<Omit<OfrepFailure, 'metadata'>>;
  json: string;
}

/** Renders one outcome of a tenant's flag for OFREP; metadata only when the flag has some. */
export function ofrepAnswer(state: TenantFeatureState, outcome: Outcome): OfrepAnswer {
  const metadata = Object.keys(state.metadata).length > 0 ? { metadata: state.metadata } : {};
  const evaluation: OfrepAnswer['evaluation'] =
    outcome.errorCode !== undefined
      ? { key: state.key, errorCode: outcome.errorCode, errorDetails: outcome.errorDetails }
      : { key: state.key, value: outcome.value, reason: OFREP_REASONS[outcome.reason], variant: outcome.variant, ...metadata };
  return { evaluation: Object.freeze(evaluation), json: JSON.stringify(evaluation) };
}

export function flagNotFound(key: string): OfrepError {
  return new OfrepError(404, { key, errorCode: 'FLAG_NOT_FOUND', errorDetails: `Flag "${key}" was not found.` });
}
