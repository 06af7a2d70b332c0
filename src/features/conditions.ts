import { compareSemver, parseSemver, type Semver } from './semver.js';

export const STRING_OPERATORS = ['eq', 'ne', 'in', 'not_in', 'starts_with', 'ends_with', 'contains'] as const;
export const NUMBER_OPERATORS = ['lt', 'lte', 'gt', 'gte'] as const;
export const SEMVER_OPERATORS = ['semver_eq', 'semver_lt', 'semver_lte', 'semver_gt', 'semver_gte'] as const;
export const PRESENCE_OPERATORS = ['exists', 'not_exists'] as const;
export const CONDITION_OPERATORS = [...STRING_OPERATORS, ...NUMBER_OPERATORS, ...SEMVER_OPERATORS, ...PRESENCE_OPERATORS] as const;
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

export type ConditionValue = string | number | boolean | (string | number)[];

/** A test on the evaluation context: combined with all/any/not, a named segment, or one attribute. */
export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { segment: string }
  | { attribute: string; op: ConditionOperator; value?: ConditionValue };

export const MAX_CONDITION_DEPTH = 5;
/** Conditions (every node counted) in one flag setting or one segment. */
export const MAX_CONDITION_NODES = 200;
export const MAX_LIST_VALUES = 100;
export const MAX_TEXT_LENGTH = 500;
const ATTRIBUTE_PATTERN = /^[A-Za-z0-9_$][A-Za-z0-9_.$:-]{0,99}$/;

/** One problem of a written body, located by a JSON pointer (RFC 6901) into it. */
export interface FieldIssue {
  pointer: string;
  detail: string;
}

/** What reading conditions needs: where to report, a node budget, and the segment keys that exist (undefined: none may be named). */
export interface ConditionReader {
  issues: FieldIssue[];
  nodes: number;
  segments: ReadonlySet<string> | undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const escapePointer = (segment: string): string => segment.replaceAll('~', '~0').replaceAll('/', '~1');

function readList(reader: ConditionReader, value: unknown, pointer: string, depth: number): Condition[] | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    reader.issues.push({ pointer, detail: 'must be a non-empty array of conditions' });
    return undefined;
  }
  return value.map((item, index) => readConditionAt(reader, item, `${pointer}/${index}`, depth)!);
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_TEXT_LENGTH;
}

/** The value an operator takes, or the reason it is wrong. */
function valueProblem(op: ConditionOperator, value: unknown): string | undefined {
  switch (op) {
    case 'eq':
    case 'ne':
      return isText(value) || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))
        ? undefined
        : `must be a string (at most ${MAX_TEXT_LENGTH} characters), a number or a boolean`;
    case 'in':
    case 'not_in':
      return Array.isArray(value) &&
        value.length > 0 &&
        value.length <= MAX_LIST_VALUES &&
        value.every((item) => isText(item) || (typeof item === 'number' && Number.isFinite(item)))
        ? undefined
        : `must be an array of 1 to ${MAX_LIST_VALUES} strings or numbers`;
    case 'starts_with':
    case 'ends_with':
    case 'contains':
      return isText(value) || (Array.isArray(value) && value.length > 0 && value.length <= MAX_LIST_VALUES && value.every(isText))
        ? undefined
        : `must be a string or an array of 1 to ${MAX_LIST_VALUES} strings`;
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a number';
    case 'semver_eq':
    case 'semver_lt':
    case 'semver_lte':
    case 'semver_gt':
    case 'semver_gte':
      return typeof value === 'string' && parseSemver(value) ? undefined : 'must be a semantic version such as 2.1.0';
    case 'exists':
    case 'not_exists':
      return value === undefined ? undefined : 'must be absent for a presence test';
  }
}

function readAttributeTest(reader: ConditionReader, input: Record<string, unknown>, pointer: string): Condition | undefined {
  const before = reader.issues.length;
  for (const field of Object.keys(input))
    if (!['attribute', 'op', 'value'].includes(field))
      reader.issues.push({ pointer: `${pointer}/${escapePointer(field)}`, detail: 'is not a field of an attribute test' });
  const { attribute, op, value } = input;
  if (typeof attribute !== 'string' || !ATTRIBUTE_PATTERN.test(attribute))
    reader.issues.push({
      pointer: `${pointer}/attribute`,
      detail: 'must be a context attribute name (1 to 100 letters, digits, _ . $ : -)',
    });
  if (typeof op !== 'string' || !(CONDITION_OPERATORS as readonly string[]).includes(op)) {
    reader.issues.push({ pointer: `${pointer}/op`, detail: `must be one of ${CONDITION_OPERATORS.join(', ')}` });
    return undefined;
  }
  const problem = valueProblem(op as ConditionOperator, value);
  if (problem) reader.issues.push({ pointer: `${pointer}/value`, detail: problem });
  if (reader.issues.length > before) return undefined;
  return value === undefined
    ? { attribute: attribute as string, op: op as ConditionOperator }
    : { attribute: attribute as string, op: op as ConditionOperator, value: value as ConditionValue };
}

function readConditionAt(reader: ConditionReader, input: unknown, pointer: string, depth: number): Condition | undefined {
  reader.nodes += 1;
  if (reader.nodes > MAX_CONDITION_NODES) {
    if (reader.nodes === MAX_CONDITION_NODES + 1)
      reader.issues.push({ pointer, detail: `too many conditions: at most ${MAX_CONDITION_NODES} in all` });
    return undefined;
  }
  if (!isObject(input)) {
    reader.issues.push({ pointer, detail: 'must be a condition object' });
    return undefined;
  }
  const combinators = ['all', 'any', 'not', 'segment'].filter((name) => name in input);
  if (combinators.length === 0) return readAttributeTest(reader, input, pointer);
  if (combinators.length > 1 || Object.keys(input).length > 1) {
    reader.issues.push({ pointer, detail: 'must have exactly one of all, any, not, segment, or be an attribute test' });
    return undefined;
  }
  const [name] = combinators as ['all' | 'any' | 'not' | 'segment'];
  if (name === 'segment') {
    const key = input.segment;
    if (reader.segments === undefined) reader.issues.push({ pointer: `${pointer}/segment`, detail: 'a segment cannot refer to a segment' });
    else if (typeof key !== 'string' || !reader.segments.has(key))
      reader.issues.push({ pointer: `${pointer}/segment`, detail: `no segment has key ${JSON.stringify(key)} in this tenant` });
    else return { segment: key };
    return undefined;
  }
  if (depth >= MAX_CONDITION_DEPTH) {
    reader.issues.push({ pointer, detail: `conditions nest at most ${MAX_CONDITION_DEPTH} levels deep` });
    return undefined;
  }
  if (name === 'not') {
    const inner = readConditionAt(reader, input.not, `${pointer}/not`, depth + 1);
    return inner && { not: inner };
  }
  const before = reader.issues.length;
  const list = readList(reader, input[name], `${pointer}/${name}`, depth + 1);
  if (!list || reader.issues.length > before) return undefined;
  return name === 'all' ? { all: list as Condition[] } : { any: list as Condition[] };
}

/** A condition as written, checked; undefined when issues were reported. */
export function readCondition(reader: ConditionReader, input: unknown, pointer: string): Condition | undefined {
  return readConditionAt(reader, input, pointer, 0);
}

export type Predicate = (context: Readonly<Record<string, unknown>>) => boolean;

/** The attribute as text for the string operators: strings as they are, numbers and booleans written out; anything else has none. */
function textOf(actual: unknown): string | undefined {
  if (typeof actual === 'string') return actual;
  if (typeof actual === 'number' || typeof actual === 'boolean') return String(actual);
  return undefined;
}

const missing = (actual: unknown): boolean => actual === undefined || actual === null;

function compileSemver(attribute: string, op: string, target: Semver): Predicate {
  const accept: (order: number) => boolean =
    op === 'semver_eq'
      ? (order) => order === 0
      : op === 'semver_lt'
        ? (order) => order < 0
        : op === 'semver_lte'
          ? (order) => order <= 0
          : op === 'semver_gt'
            ? (order) => order > 0
            : (order) => order >= 0;
  return (context) => {
    const actual = context[attribute];
    if (typeof actual !== 'string') return false;
    const version = parseSemver(actual);
    return version !== undefined && accept(compareSemver(version, target));
  };
}

function compileTest(attribute: string, op: ConditionOperator, value: ConditionValue | undefined): Predicate {
  const texts = Array.isArray(value) ? value.map(String) : [String(value)];
  switch (op) {
    case 'exists':
      return (context) => !missing(context[attribute]);
    case 'not_exists':
      return (context) => missing(context[attribute]);
    case 'eq':
    case 'ne': {
      const negate = op === 'ne';
      const equal: (actual: unknown) => boolean =
        typeof value === 'number'
          ? (actual) => actual === value
          : typeof value === 'boolean'
            ? (actual) => actual === value
            : (actual) => textOf(actual) === value;
      // Absent attributes differ from every value (ne holds), as they did before 0.6.0.
      return (context) => {
        const actual = context[attribute];
        return missing(actual) ? negate : equal(actual) !== negate;
      };
    }
    case 'in':
    case 'not_in': {
      const members = new Set(texts);
      const negate = op === 'not_in';
      return (context) => {
        const text = textOf(context[attribute]);
        return text === undefined ? negate : members.has(text) !== negate;
      };
    }
    case 'starts_with':
      return (context) => {
        const text = textOf(context[attribute]);
        return text !== undefined && texts.some((candidate) => text.startsWith(candidate));
      };
    case 'ends_with':
      return (context) => {
        const text = textOf(context[attribute]);
        return text !== undefined && texts.some((candidate) => text.endsWith(candidate));
      };
    case 'contains':
      return (context) => {
        const text = textOf(context[attribute]);
        return text !== undefined && texts.some((candidate) => text.includes(candidate));
      };
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte': {
      const bound = value as number;
      const accept =
        op === 'lt'
          ? (actual: number) => actual < bound
          : op === 'lte'
            ? (actual: number) => actual <= bound
            : op === 'gt'
              ? (actual: number) => actual > bound
              : (actual: number) => actual >= bound;
      return (context) => {
        const actual = context[attribute];
        return typeof actual === 'number' && accept(actual);
      };
    }
    default:
      return compileSemver(attribute, op, parseSemver(value as string)!);
  }
}

/** A checked condition as a closure, built once per change of the tenant's flags; segments already compiled by key. */
export function compileCondition(condition: Condition, segments: ReadonlyMap<string, Predicate>): Predicate {
  if ('all' in condition) {
    const parts = condition.all.map((part) => compileCondition(part, segments));
    return (context) => parts.every((part) => part(context));
  }
  if ('any' in condition) {
    const parts = condition.any.map((part) => compileCondition(part, segments));
    return (context) => parts.some((part) => part(context));
  }
  if ('not' in condition) {
    const inner = compileCondition(condition.not, segments);
    return (context) => !inner(context);
  }
  if ('segment' in condition) return segments.get(condition.segment) ?? (() => false);
  return compileTest(condition.attribute, condition.op, condition.value);
}

/** Every segment key a condition names. */
export function segmentsNamed(condition: Condition, into: Set<string> = new Set()): Set<string> {
  if ('all' in condition) condition.all.forEach((part) => segmentsNamed(part, into));
  else if ('any' in condition) condition.any.forEach((part) => segmentsNamed(part, into));
  else if ('not' in condition) segmentsNamed(condition.not, into);
  else if ('segment' in condition) into.add(condition.segment);
  return into;
}
