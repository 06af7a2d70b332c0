import { compileCondition, type Condition, type Predicate } from './conditions.js';

export const FEATURE_TYPES = ['boolean', 'string', 'number', 'object'] as const;
export type FeatureType = (typeof FEATURE_TYPES)[number];
export type FlagValue = boolean | string | number | Record<string, unknown>;
export type MetadataValue = string | number | boolean;
export type FlagMetadata = Record<string, MetadataValue>;
export type Variants = Record<string, FlagValue>;

// Shared by every flag setting that has none of its own (most of them: every tenant's seeded defaults), so
// 10,000 tenants' flags in memory do not hold hundreds of thousands of empty objects. Frozen: never written.
export const EMPTY_RECORD: Readonly<Record<string, never>> = Object.freeze({});
const NO_RULES: readonly TargetingRule[] = Object.freeze([]);

/** The value as it is, or the shared empty one when it holds nothing (so it can be kept for long at no cost). */
export function compactRecord<Value extends Variants | FlagMetadata>(value: Value | null | undefined): Value {
  if (value === null || value === undefined) return EMPTY_RECORD as Value;
  for (const _ in value) return value;
  return EMPTY_RECORD as Value;
}

/** The rules as they are, or the shared empty list. */
export function compactRules(rules: TargetingRule[] | null | undefined): TargetingRule[] {
  return rules && rules.length > 0 ? rules : (NO_RULES as TargetingRule[]);
}

/** Serve `variant` to users whose context satisfies `when`; the first matching rule wins. */
export interface TargetingRule {
  name?: string;
  when: Condition;
  variant: string;
}

/** A weighted split of users (by targeting key) across variants; weights are relative. */
export interface RolloutShare {
  variant: string;
  weight: number;
}
export type Rollout = RolloutShare[];

export type Reason = 'STATIC' | 'TARGETING_MATCH' | 'SPLIT' | 'DISABLED' | 'DEFAULT';

/** What a flag answers a user: a variant and why, or why it could not. Built once per flag and change, shared by every evaluation. */
export type Outcome =
  | { value: FlagValue; variant: string; reason: Reason; errorCode?: undefined }
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

// cyrb53 (public domain, bryc): a fast 53-bit string hash with good avalanche, split so
// the flag-and-variant prefix is hashed once and only the targeting key per request.
type HashState = readonly [number, number];
const SEED: HashState = [0xdeadbeef, 0x41c6ce57];

function absorb([h1, h2]: HashState, text: string): [number, number] {
  let a = h1;
  let b = h2;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    a = Math.imul(a ^ code, 2654435761);
    b = Math.imul(b ^ code, 1597334677);
  }
  return [a, b];
}

function finish([h1, h2]: [number, number]): number {
  let a = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  a ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  let b = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  b ^= Math.imul(a ^ (a >>> 13), 3266489909);
  return 4294967296 * (2097151 & b) + (a >>> 0);
}

/** A uniform number in (0, 1) for one flag, variant and targeting key: the same on every instance and call. */
export function rolloutDraw(prefix: HashState, targetingKey: string): number {
  return (finish(absorb(prefix, targetingKey)) + 0.5) / 2 ** 53;
}

export function rolloutPrefix(flagKey: string, variant: string): HashState {
  return absorb(SEED, `${flagKey}\u0000${variant}\u0000`);
}

/**
 * Weighted rendezvous hashing: each variant scores -weight / ln(u) with u
 * drawn from (flag, variant, targeting key); the highest score wins. A
 * variant wins with probability weight / total, and a user changes variant
 * only when their variant's weight shrinks or another's grows past them.
 */
export function compileRollout(flagKey: string, rollout: Rollout): (targetingKey: string) => number {
  const shares = rollout
    .map((share, index) => ({ index, weight: share.weight, prefix: rolloutPrefix(flagKey, share.variant) }))
    .filter((share) => share.weight > 0);
  return (targetingKey) => {
    let best = -1;
    let bestScore = -1;
    for (const share of shares) {
      const score = -share.weight / Math.log(rolloutDraw(share.prefix, targetingKey));
      if (score > bestScore) {
        bestScore = score;
        best = share.index;
      }
    }
    return best;
  };
}

export interface FlagDefinition {
  key: string;
  variants: Variants;
  offVariant: string;
}

/** One tenant's setting of a flag, with variant names already checked against the flag's variants. */
export interface FlagSetting {
  enabled: boolean;
  /** Served when on to users no rule or rollout singles out. */
  variant: string;
  rules: readonly TargetingRule[];
  rollout: Rollout | null;
}

/** A flag compiled for evaluation: closures and answers built once, so an evaluation only runs predicates and a hash. */
export interface CompiledFlag<Answer> {
  readonly contextFree: boolean;
  evaluate(context: Readonly<Record<string, unknown>>): Answer;
}

/**
 * Compiles a flag's setting: off → the off variant (DISABLED); on with
 * nothing to evaluate → the served variant (STATIC); else the first rule
 * that matches (TARGETING_MATCH), else the rollout's pick (SPLIT), else the
 * served variant (DEFAULT). `render` turns each possible outcome into the
 * answer handed out (e.g. its rendered JSON), once.
 */
export function compileFlag<Answer>(
  definition: FlagDefinition,
  setting: FlagSetting,
  segments: ReadonlyMap<string, Predicate>,
  render: (outcome: Outcome) => Answer,
): CompiledFlag<Answer> {
  const answer = (variant: string, reason: Reason): Answer => render({ value: definition.variants[variant]!, variant, reason });
  if (!setting.enabled) {
    const off = answer(definition.offVariant, 'DISABLED');
    return { contextFree: true, evaluate: () => off };
  }
  if (setting.rules.length === 0 && setting.rollout === null) {
    const served = answer(setting.variant, 'STATIC');
    return { contextFree: true, evaluate: () => served };
  }
  const rules = setting.rules.map((rule) => ({
    matches: compileCondition(rule.when, segments),
    answer: answer(rule.variant, 'TARGETING_MATCH'),
  }));
  const fallback = answer(setting.variant, 'DEFAULT');
  const rollout = setting.rollout;
  if (rollout === null) {
    return {
      contextFree: false,
      evaluate: (context) => {
        for (const rule of rules) if (rule.matches(context)) return rule.answer;
        return fallback;
      },
    };
  }
  const pick = compileRollout(definition.key, rollout);
  const splits = rollout.map((share) => answer(share.variant, 'SPLIT'));
  const keyMissing = render({
    errorCode: 'TARGETING_KEY_MISSING',
    errorDetails: `Flag "${definition.key}" is split by user: the context needs a targetingKey.`,
  });
  return {
    contextFree: false,
    evaluate: (context) => {
      for (const rule of rules) if (rule.matches(context)) return rule.answer;
      const targetingKey = context.targetingKey;
      if (typeof targetingKey !== 'string' || targetingKey === '') return keyMissing;
      const index = pick(targetingKey);
      return index < 0 ? fallback : splits[index]!;
    },
  };
}
