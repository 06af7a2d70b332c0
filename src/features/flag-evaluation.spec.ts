import { compileCondition, readCondition, type Condition, type ConditionReader } from './conditions.js';
import { compileFlag, compileRollout, type FlagDefinition, type FlagSetting, type Outcome } from './flag-evaluation.js';
import { compareSemver, parseSemver } from './semver.js';

const definition: FlagDefinition = { key: 'banner', variants: { a: 'A', b: 'B', c: 'C', off: 'none' }, offVariant: 'off' };
const setting = (overrides: Partial<FlagSetting>): FlagSetting => ({ enabled: true, variant: 'a', rules: [], rollout: null, ...overrides });
const evaluate = (flag: FlagSetting, context: Record<string, unknown>, segments = new Map()): Outcome =>
  compileFlag(definition, flag, segments, (outcome) => outcome).evaluate(context);

/** Reads a condition where segment "staff" exists; in a segment's own condition (`inSegment`), none may be named. */
function read(input: unknown, inSegment = false): ConditionReader & { condition?: Condition } {
  const reader: ConditionReader = { issues: [], nodes: 0, segments: inSegment ? undefined : new Set(['staff']) };
  return { ...reader, condition: readCondition(reader, input, '/when'), issues: reader.issues };
}

const matches = (when: unknown, context: Record<string, unknown>): boolean => {
  const { condition, issues } = read(when);
  expect(issues).toEqual([]);
  return compileCondition(condition!, new Map())(context);
};

describe(compileFlag.name, () => {
  it('serves the off variant with DISABLED whenever the flag is off, targeting or not', () => {
    expect(evaluate(setting({ enabled: false }), {})).toEqual({ value: 'none', variant: 'off', reason: 'DISABLED' });
    const targeted = setting({ enabled: false, rules: [{ when: { attribute: 'plan', op: 'eq', value: 'pro' }, variant: 'b' }] });
    expect(evaluate(targeted, { plan: 'pro' })).toEqual({ value: 'none', variant: 'off', reason: 'DISABLED' });
  });

  it('serves the chosen variant with STATIC when there is nothing to evaluate', () => {
    expect(evaluate(setting({ variant: 'b' }), { plan: 'pro' })).toEqual({ value: 'B', variant: 'b', reason: 'STATIC' });
  });

  it('serves the first matching rule’s variant with TARGETING_MATCH, else the served variant with DEFAULT', () => {
    const flag = setting({
      rules: [
        { when: { attribute: 'plan', op: 'eq', value: 'pro' }, variant: 'b' },
        { when: { attribute: 'age', op: 'gt', value: 10 }, variant: 'c' },
      ],
    });
    expect(evaluate(flag, { plan: 'pro', age: 20 })).toMatchObject({ variant: 'b', reason: 'TARGETING_MATCH' });
    expect(evaluate(flag, { plan: 'free', age: 20 })).toMatchObject({ variant: 'c', reason: 'TARGETING_MATCH' });
    expect(evaluate(flag, { plan: 'free', age: 5 })).toEqual({ value: 'A', variant: 'a', reason: 'DEFAULT' });
  });

  it('splits users who match no rule with SPLIT, and needs a targeting key for it', () => {
    const flag = setting({ rollout: [{ variant: 'b', weight: 1 }] });
    expect(evaluate(flag, { targetingKey: 'u-1' })).toEqual({ value: 'B', variant: 'b', reason: 'SPLIT' });
    expect(evaluate(flag, {})).toMatchObject({ errorCode: 'TARGETING_KEY_MISSING' });
  });

  it('resolves segments by their compiled predicate', () => {
    const segments = new Map([['staff', compileCondition({ attribute: 'email', op: 'ends_with', value: '@acme.test' }, new Map())]]);
    const flag = setting({
      rules: [{ when: { all: [{ segment: 'staff' }, { attribute: 'beta', op: 'eq', value: true }] }, variant: 'c' }],
    });
    expect(evaluate(flag, { email: 'x@acme.test', beta: true }, segments)).toMatchObject({ variant: 'c' });
    expect(evaluate(flag, { email: 'x@acme.test', beta: 'true' }, segments)).toMatchObject({ variant: 'a', reason: 'DEFAULT' });
    expect(evaluate(flag, { email: 'x@other.test', beta: true }, segments)).toMatchObject({ variant: 'a' });
  });

  it('hands out the same answer object every time (built once per change)', () => {
    const flag = compileFlag(
      definition,
      setting({ rules: [{ when: { attribute: 'p', op: 'exists' }, variant: 'b' }] }),
      new Map(),
      (o) => o,
    );
    expect(flag.evaluate({ p: 1 })).toBe(flag.evaluate({ p: 2 }));
  });
});

describe('conditions', () => {
  it.each([
    [{ attribute: 'email', op: 'eq', value: 'a@b.c' }, { email: 'a@b.c' }, true],
    [{ attribute: 'email', op: 'ne', value: 'a@b.c' }, {}, true],
    [{ attribute: 'plan', op: 'in', value: ['pro', 'team'] }, { plan: 'team' }, true],
    [{ attribute: 'plan', op: 'not_in', value: ['pro', 'team'] }, { plan: 'free' }, true],
    [{ attribute: 'seats', op: 'in', value: [5, 10] }, { seats: 10 }, true],
    [{ attribute: 'email', op: 'starts_with', value: 'ada' }, { email: 'ada@x' }, true],
    [{ attribute: 'email', op: 'ends_with', value: ['@x', '@y'] }, { email: 'ada@y' }, true],
    [{ attribute: 'email', op: 'contains', value: 'da@' }, { email: 'ada@x' }, true],
    [{ attribute: 'age', op: 'gt', value: 10 }, { age: 65 }, true],
    [{ attribute: 'age', op: 'gte', value: 10 }, { age: 10 }, true],
    [{ attribute: 'age', op: 'lt', value: 10 }, { age: '5' }, false],
    [{ attribute: 'age', op: 'lte', value: 10 }, { age: 10 }, true],
    [{ attribute: 'age', op: 'eq', value: 10 }, { age: 10 }, true],
    [{ attribute: 'age', op: 'ne', value: 10 }, { age: 11 }, true],
    [{ attribute: 'version', op: 'semver_gte', value: '2.1.0' }, { version: '2.10.0' }, true],
    [{ attribute: 'version', op: 'semver_lt', value: '2.1.0' }, { version: '2.1.0-rc.1' }, true],
    [{ attribute: 'version', op: 'semver_eq', value: '2.1.0' }, { version: 'v2.1.0+build.5' }, true],
    [{ attribute: 'version', op: 'semver_gt', value: '2.1.0' }, { version: 'not a version' }, false],
    [{ attribute: 'version', op: 'semver_lte', value: '1.0.0' }, { version: '1.0.0' }, true],
    [{ attribute: 'beta', op: 'exists' }, { beta: false }, true],
    [{ attribute: 'beta', op: 'not_exists' }, { beta: null }, true],
    [{ not: { attribute: 'customer', op: 'eq', value: true } }, { customer: false }, true],
    [
      {
        any: [
          { attribute: 'a', op: 'exists' },
          { attribute: 'b', op: 'exists' },
        ],
      },
      { b: 1 },
      true,
    ],
    [
      {
        all: [
          { attribute: 'a', op: 'exists' },
          { attribute: 'b', op: 'exists' },
        ],
      },
      { b: 1 },
      false,
    ],
  ])('%j on %j → %s', (when, context, expected) => {
    expect(matches(when, context)).toBe(expected);
  });

  it('reports each wrong field with a JSON pointer', () => {
    const { issues } = read({
      all: [{ attribute: 'age', op: 'gt', value: 'ten' }, { attribute: 'x', op: 'like', value: 1 }, { segment: 'nobody' }],
    });
    expect(issues).toEqual([
      { pointer: '/when/all/0/value', detail: 'must be a number' },
      { pointer: '/when/all/1/op', detail: expect.stringContaining('must be one of eq, ne') },
      { pointer: '/when/all/2/segment', detail: 'no segment has key "nobody" in this tenant' },
    ]);
  });

  it('bounds nesting depth and total size', () => {
    let deep: unknown = { attribute: 'a', op: 'exists' };
    for (let level = 0; level < 6; level += 1) deep = { not: deep };
    expect(read(deep).issues).toEqual([{ pointer: '/when/not/not/not/not/not', detail: 'conditions nest at most 5 levels deep' }]);
    const wide = { any: Array.from({ length: 250 }, () => ({ attribute: 'a', op: 'exists' })) };
    expect(read(wide).issues).toEqual([{ pointer: '/when/any/199', detail: 'too many conditions: at most 200 in all' }]);
  });

  it('refuses a segment inside a segment, and shapes that are not conditions', () => {
    expect(read({ segment: 'staff' }, true).issues).toEqual([{ pointer: '/when/segment', detail: 'a segment cannot refer to a segment' }]);
    expect(read([]).issues).toEqual([{ pointer: '/when', detail: 'must be a condition object' }]);
    expect(read({ all: [] }).issues).toEqual([{ pointer: '/when/all', detail: 'must be a non-empty array of conditions' }]);
    expect(read({ all: [{ attribute: 'a', op: 'exists' }], any: [] }).issues).toHaveLength(1);
    expect(read({ attribute: 'a', op: 'exists', value: 1 }).issues).toEqual([
      { pointer: '/when/value', detail: 'must be absent for a presence test' },
    ]);
  });
});

describe(compareSemver.name, () => {
  const order = [
    '1.0.0-alpha',
    '1.0.0-alpha.1',
    '1.0.0-alpha.beta',
    '1.0.0-beta',
    '1.0.0-beta.2',
    '1.0.0-beta.11',
    '1.0.0-rc.1',
    '1.0.0',
    '1.2.0',
    '1.10.0',
    '2.0.0',
  ];
  it('orders versions as semver.org §11 does', () => {
    for (let index = 1; index < order.length; index += 1) {
      expect(compareSemver(parseSemver(order[index - 1]!)!, parseSemver(order[index]!)!)).toBe(-1);
      expect(compareSemver(parseSemver(order[index]!)!, parseSemver(order[index - 1]!)!)).toBe(1);
    }
    expect(compareSemver(parseSemver('1.0.0+a')!, parseSemver('1.0.0+b')!)).toBe(0);
  });
  it('refuses what is not a version', () => {
    expect(['1.0', '01.0.0', '1.0.0-', 'x'].map(parseSemver)).toEqual([undefined, undefined, undefined, undefined]);
  });
});

describe(compileRollout.name, () => {
  const users = Array.from({ length: 20_000 }, (_, index) => `user-${index}`);
  const assign = (weights: Record<string, number>): string[] => {
    const names = Object.keys(weights);
    const pick = compileRollout(
      'checkout',
      names.map((variant) => ({ variant, weight: weights[variant]! })),
    );
    return users.map((user) => names[pick(user)]!);
  };

  it('splits users in proportion to the weights (within 1.5 points)', () => {
    const assigned = assign({ a: 50, b: 30, c: 20 });
    const share = (name: string): number => assigned.filter((variant) => variant === name).length / users.length;
    expect(Math.abs(share('a') - 0.5)).toBeLessThan(0.015);
    expect(Math.abs(share('b') - 0.3)).toBeLessThan(0.015);
    expect(Math.abs(share('c') - 0.2)).toBeLessThan(0.015);
  });

  it('gives a user the same variant every time', () => {
    expect(assign({ a: 1, b: 1, c: 1 })).toEqual(assign({ a: 1, b: 1, c: 1 }));
  });

  it('moves only users who go to a variant whose weight grew, about as many as the change', () => {
    const before = assign({ a: 50, b: 30, c: 20 });
    const after = assign({ a: 50, b: 30, c: 30 });
    const moved = users.filter((_, index) => before[index] !== after[index]);
    expect(moved.every((user) => after[users.indexOf(user)] === 'c')).toBe(true);
    // c's share goes from 20% to 30/110 ≈ 27.3%: about 7.3% of users move, all of them to c.
    expect(Math.abs(moved.length / users.length - (30 / 110 - 0.2))).toBeLessThan(0.015);
  });

  it('moves only users away from a variant whose weight shrank', () => {
    const before = assign({ a: 50, b: 30, c: 20 });
    const after = assign({ a: 50, b: 10, c: 20 });
    users.forEach((_, index) => {
      if (before[index] !== after[index]) expect(before[index]).toBe('b');
    });
  });

  it('gives nothing to a variant of weight 0', () => {
    expect(assign({ a: 0, b: 1 }).every((variant) => variant === 'b')).toBe(true);
  });
});
