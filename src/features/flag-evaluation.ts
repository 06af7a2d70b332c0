import { createHash } from 'node:crypto';

export const FEATURE_TYPES = ['boolean', 'string', 'number', 'object'] as const;
export type FeatureType = (typeof FEATURE_TYPES)[number];
export type FlagValue = boolean | string | number | Record<string, unknown>;

export const RULE_OPERATORS = ['equals', 'not_equals', 'in', 'not_in', 'starts_with', 'ends_with', 'contains'] as const;
export type RuleOperator = (typeof RULE_OPERATORS)[number];

/** Serve `value` (or the flag's on-value) to users whose context attribute matches. */
export interface TargetingRule {
  attribute: string;
  operator: RuleOperator;
  values: (string | number | boolean)[];
  value?: FlagValue;
}

/** Serve the on-value to this share of users (0-100), the same users every time. */
export interface Rollout {
  percentage: number;
}

export interface FlagDefinition {
  key: string;
  type: FeatureType;
  /** What a tenant gets when the flag is off for it (false for boolean flags). */
  defaultValue: FlagValue;
}

/** One tenant's setting of a flag. */
export interface FlagSetting {
  enabled: boolean;
  /** The on-value of a non-boolean flag; null: the catalogue default. */
  value: FlagValue | null;
  rules: TargetingRule[];
  rollout: Rollout | null;
}

export type Resolution =
  | { value: FlagValue; reason: 'STATIC' | 'TARGETING_MATCH' | 'SPLIT' | 'DISABLED'; variant: string }
  | { errorCode: 'TARGETING_KEY_MISSING'; errorDetails: string };

export function valueMatchesType(type: FeatureType, value: unknown): value is FlagValue {
  switch (type) {
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
  }
}

/**
 * Where a user falls in a flag's rollout, 0 to 9999: a hash of the flag, the
 * tenant and the user's targeting key, so the same user gets the same answer
 * on every instance and every call, and raising the percentage only adds users.
 */
export function rolloutBucket(flagKey: string, tenantId: string, targetingKey: string): number {
  return createHash('sha256').update(`${flagKey}\u0000${tenantId}\u0000${targetingKey}`).digest().readUInt32BE(0) % 10_000;
}

function ruleMatches(rule: TargetingRule, context: Record<string, unknown>): boolean {
  const actual = context[rule.attribute];
  if (actual === undefined || actual === null || typeof actual === 'object')
    return rule.operator === 'not_equals' || rule.operator === 'not_in';
  const text = String(actual);
  const candidates = rule.values.map(String);
  switch (rule.operator) {
    case 'equals':
      return text === candidates[0];
    case 'not_equals':
      return text !== candidates[0];
    case 'in':
      return candidates.includes(text);
    case 'not_in':
      return !candidates.includes(text);
    case 'starts_with':
      return candidates.some((candidate) => text.startsWith(candidate));
    case 'ends_with':
      return candidates.some((candidate) => text.endsWith(candidate));
    case 'contains':
      return candidates.some((candidate) => text.includes(candidate));
  }
}

/**
 * A flag's value for one user of one tenant. Off: the off-value. On: the
 * first matching targeting rule, else the rollout's split, else the on-value.
 */
export function resolveFlag(
  definition: FlagDefinition,
  setting: FlagSetting,
  context: Record<string, unknown>,
  tenantId: string,
): Resolution {
  const offValue = definition.type === 'boolean' ? false : definition.defaultValue;
  const onValue = definition.type === 'boolean' ? true : (setting.value ?? definition.defaultValue);
  const targeted = setting.rules.length > 0 || setting.rollout !== null;
  if (!setting.enabled) return { value: offValue, reason: targeted ? 'DISABLED' : 'STATIC', variant: 'off' };
  for (const [index, rule] of setting.rules.entries()) {
    if (ruleMatches(rule, context)) return { value: rule.value ?? onValue, reason: 'TARGETING_MATCH', variant: `rule-${index + 1}` };
  }
  if (setting.rollout) {
    const targetingKey = context.targetingKey;
    if (typeof targetingKey !== 'string' || targetingKey === '') {
      return {
        errorCode: 'TARGETING_KEY_MISSING',
        errorDetails: `Flag "${definition.key}" is rolled out by user: the context needs a targetingKey.`,
      };
    }
    const inRollout = rolloutBucket(definition.key, tenantId, targetingKey) < Math.round(setting.rollout.percentage * 100);
    return inRollout ? { value: onValue, reason: 'SPLIT', variant: 'on' } : { value: offValue, reason: 'SPLIT', variant: 'off' };
  }
  return { value: onValue, reason: 'STATIC', variant: 'on' };
}
