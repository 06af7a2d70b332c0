import { isDeepStrictEqual } from 'node:util';
import { readCondition, type ConditionReader, type FieldIssue } from './conditions.js';
import { VARIANT_NAME_PATTERN, type Feature } from './feature.js';
import { FeaturesError } from './features.errors.js';
import {
  valueMatchesType,
  type FeatureType,
  type FlagMetadata,
  type FlagValue,
  type Rollout,
  type TargetingRule,
  type Variants,
} from './flag-evaluation.js';

export const MAX_VARIANTS = 50;
export const MAX_RULES = 50;
export const MAX_METADATA_ENTRIES = 20;
const MAX_VARIANT_JSON = 10_000;
const METADATA_KEY = /^[A-Za-z0-9_.:-]{1,64}$/;
const LEGACY_OPERATORS: Record<string, string> = { equals: 'eq', not_equals: 'ne' };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A 400 naming every field at fault: `errors: [{field, messages, pointer}]`, the validation problem's shape plus a JSON pointer. */
export function invalidFields(issues: FieldIssue[]): FeaturesError {
  const errors = issues.map(({ pointer, detail }) => ({
    field: pointer.slice(1).replaceAll('/', '.'),
    messages: [detail],
    pointer,
  }));
  return new FeaturesError('FEATURE_INVALID', issues.map((issue) => `${issue.pointer}: ${issue.detail}`).join('; '), { errors });
}

export function readVariants(issues: FieldIssue[], type: FeatureType, input: unknown, pointer: string): Variants | undefined {
  if (!isObject(input) || Object.keys(input).length === 0 || Object.keys(input).length > MAX_VARIANTS) {
    issues.push({ pointer, detail: `must be an object of 1 to ${MAX_VARIANTS} variants, name → value` });
    return undefined;
  }
  const before = issues.length;
  for (const [name, value] of Object.entries(input)) {
    const at = `${pointer}/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`;
    if (!VARIANT_NAME_PATTERN.test(name))
      issues.push({ pointer: at, detail: 'a variant name is 1 to 64 letters, digits, dots, underscores or hyphens' });
    else if (!valueMatchesType(type, value)) issues.push({ pointer: at, detail: `must be a value of the flag's type (${type})` });
    else if (type === 'object' && JSON.stringify(value).length > MAX_VARIANT_JSON)
      issues.push({ pointer: at, detail: `must be at most ${MAX_VARIANT_JSON} characters of JSON` });
  }
  return issues.length > before ? undefined : (input as Variants);
}

export function readMetadata(issues: FieldIssue[], input: unknown, pointer: string): FlagMetadata | undefined {
  if (!isObject(input) || Object.keys(input).length > MAX_METADATA_ENTRIES) {
    issues.push({ pointer, detail: `must be an object of at most ${MAX_METADATA_ENTRIES} entries` });
    return undefined;
  }
  const before = issues.length;
  for (const [key, value] of Object.entries(input)) {
    const ok =
      METADATA_KEY.test(key) &&
      (typeof value === 'boolean' ||
        (typeof value === 'number' && Number.isFinite(value)) ||
        (typeof value === 'string' && value.length <= 500));
    if (!ok)
      issues.push({
        pointer: `${pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`,
        detail: 'metadata maps a key (1 to 64 of A-Z a-z 0-9 _ . : -) to a string (at most 500 characters), a number or a boolean',
      });
  }
  return issues.length > before ? undefined : (input as FlagMetadata);
}

/** A tenant's setting as written: the flag's targeting, translated from the bodies before 0.6.0 where one was sent. */
export interface SettingInput {
  variant?: unknown;
  variants?: unknown;
  /** Before 0.6.0: a typed flag's on-value. */
  value?: unknown;
  rules?: unknown;
  rollout?: unknown;
}

export interface CheckedTargeting {
  /** Null: the catalogue's default variant. */
  variant: string | null;
  variants: Variants;
  rules: TargetingRule[];
  rollout: Rollout | null;
}

/** The variant holding `value`: a catalogue variant of that value, else a tenant variant named `name` added to `variants`. */
function variantHolding(feature: Feature, variants: Variants, value: FlagValue, name: string): string {
  const known = Object.entries({ ...feature.variants, ...variants }).find(([, candidate]) => isDeepStrictEqual(candidate, value));
  if (known) return known[0];
  const free = name in feature.variants ? `tenant-${name}` : name;
  variants[free] = value;
  return free;
}

/** Before 0.6.0 a rule was {attribute, operator, values, value?}: now {name, when, variant}. */
function legacyRule(feature: Feature, variants: Variants, rule: Record<string, unknown>, index: number, served: string): unknown {
  const name = `rule-${index + 1}`;
  const operator = typeof rule.operator === 'string' ? (LEGACY_OPERATORS[rule.operator] ?? rule.operator) : rule.operator;
  const values = Array.isArray(rule.values) ? rule.values : [];
  const single = operator === 'eq' || operator === 'ne';
  const texts = values.map((value) =>
    typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : value,
  );
  const variant =
    rule.value === undefined
      ? served
      : valueMatchesType(feature.type, rule.value)
        ? variantHolding(feature, variants, rule.value, name)
        : null;
  return { name, when: { attribute: rule.attribute, op: operator, value: single ? texts[0] : texts }, variant };
}

function readRule(reader: ConditionReader, known: (name: unknown) => boolean, input: unknown, pointer: string): TargetingRule | undefined {
  if (!isObject(input)) {
    reader.issues.push({ pointer, detail: 'must be a rule object {name?, when, variant}' });
    return undefined;
  }
  const before = reader.issues.length;
  for (const field of Object.keys(input))
    if (!['name', 'when', 'variant'].includes(field))
      reader.issues.push({ pointer: `${pointer}/${field}`, detail: 'is not a field of a rule' });
  if (input.name !== undefined && (typeof input.name !== 'string' || input.name.length < 1 || input.name.length > 100))
    reader.issues.push({ pointer: `${pointer}/name`, detail: 'must be a string of 1 to 100 characters' });
  const when = readCondition(reader, input.when, `${pointer}/when`);
  if (!known(input.variant)) reader.issues.push({ pointer: `${pointer}/variant`, detail: "must name one of the flag's variants" });
  if (reader.issues.length > before || !when) return undefined;
  return { ...(input.name !== undefined ? { name: input.name as string } : {}), when, variant: input.variant as string };
}

function readRollout(issues: FieldIssue[], known: (name: unknown) => boolean, input: unknown): Rollout | undefined {
  if (!Array.isArray(input) || input.length === 0 || input.length > MAX_VARIANTS) {
    issues.push({ pointer: '/rollout', detail: `must be an array of 1 to ${MAX_VARIANTS} {variant, weight}` });
    return undefined;
  }
  const before = issues.length;
  const seen = new Set<unknown>();
  input.forEach((share: unknown, index) => {
    const at = `/rollout/${index}`;
    if (!isObject(share) || Object.keys(share).some((field) => field !== 'variant' && field !== 'weight')) {
      issues.push({ pointer: at, detail: 'must be {variant, weight}' });
      return;
    }
    if (!known(share.variant)) issues.push({ pointer: `${at}/variant`, detail: "must name one of the flag's variants" });
    else if (seen.has(share.variant)) issues.push({ pointer: `${at}/variant`, detail: 'each variant may appear once' });
    seen.add(share.variant);
    const weight = share.weight;
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0 || weight > 1_000_000)
      issues.push({ pointer: `${at}/weight`, detail: 'must be a number from 0 to 1000000' });
  });
  if (issues.length === before && !input.some((share: { weight: number }) => share.weight > 0))
    issues.push({ pointer: '/rollout', detail: 'at least one weight must be above 0' });
  return issues.length > before ? undefined : (input as Rollout);
}

/**
 * Checks a tenant's targeting for a flag against its variants and the
 * tenant's segments, translating the shapes of before 0.6.0 (`value`,
 * {attribute, operator, values, value} rules, {percentage} rollouts);
 * throws FEATURE_INVALID with every field at fault.
 */
export function checkTargeting(feature: Feature, input: SettingInput, segments: ReadonlySet<string>): CheckedTargeting {
  const issues: FieldIssue[] = [];
  const variants: Variants = {};
  // No variants of its own: absent, null or {}.
  if (input.variants !== undefined && input.variants !== null && !(isObject(input.variants) && Object.keys(input.variants).length === 0)) {
    const own = readVariants(issues, feature.type, input.variants, '/variants');
    for (const name of Object.keys(own ?? {}))
      if (name in feature.variants)
        issues.push({ pointer: `/variants/${name}`, detail: 'the catalogue already has a variant of that name' });
    Object.assign(variants, own);
  }
  let variant: string | null = null;
  if (input.value !== undefined && input.value !== null) {
    if (feature.type === 'boolean')
      issues.push({ pointer: '/value', detail: 'A boolean flag’s value is its enabled state; send no value.' });
    else if (!valueMatchesType(feature.type, input.value))
      issues.push({ pointer: '/value', detail: `value must be of type ${feature.type}.` });
    else if (input.variant !== undefined && input.variant !== null)
      issues.push({ pointer: '/value', detail: 'send variant or value, not both' });
    else variant = variantHolding(feature, variants, input.value, 'on');
  }
  const known = (name: unknown): boolean => typeof name === 'string' && (name in feature.variants || name in variants);
  if (input.variant !== undefined && input.variant !== null) {
    if (!known(input.variant)) issues.push({ pointer: '/variant', detail: "must name one of the flag's variants" });
    else variant = input.variant as string;
  }
  const served = variant ?? feature.defaultVariant;
  let rules: TargetingRule[] = [];
  if (input.rules !== undefined && input.rules !== null) {
    if (!Array.isArray(input.rules) || input.rules.length > MAX_RULES)
      issues.push({ pointer: '/rules', detail: `must be an array of at most ${MAX_RULES} rules` });
    else {
      const reader: ConditionReader = { issues, nodes: 0, segments };
      rules = input.rules.map((rule: unknown, index) => {
        const written =
          isObject(rule) && 'operator' in rule && !('when' in rule) ? legacyRule(feature, variants, rule, index, served) : rule;
        return readRule(reader, known, written, `/rules/${index}`)!;
      });
    }
  }
  let rollout: Rollout | null = null;
  if (input.rollout !== undefined && input.rollout !== null) {
    const legacy = isObject(input.rollout) && Object.keys(input.rollout).length === 1 && 'percentage' in input.rollout;
    const percentage = legacy ? (input.rollout as { percentage: unknown }).percentage : undefined;
    if (legacy && (typeof percentage !== 'number' || !(percentage >= 0 && percentage <= 100)))
      issues.push({ pointer: '/rollout/percentage', detail: 'must be a number from 0 to 100' });
    else {
      const written = legacy
        ? [
            { variant: served, weight: percentage as number },
            { variant: feature.offVariant, weight: 100 - (percentage as number) },
          ]
        : input.rollout;
      // A flag whose on and off variants are one variant splits nothing: everyone gets it.
      if (legacy && served === feature.offVariant) (written as Rollout).splice(0, 2, { variant: served, weight: 1 });
      rollout = readRollout(issues, known, written) ?? null;
    }
  }
  if (issues.length > 0) throw invalidFields(issues);
  return { variant, variants, rules, rollout };
}

/** A tenant's metadata for a flag: merged over the catalogue's in answers. */
export function checkMetadata(input: unknown): FlagMetadata {
  const issues: FieldIssue[] = [];
  const metadata = readMetadata(issues, input, '/metadata');
  if (issues.length > 0) throw invalidFields(issues);
  return metadata!;
}
