import { resolveFlag, rolloutBucket, valueMatchesType, type FlagDefinition, type FlagSetting } from './flag-evaluation.js';

const tenantId = '3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60';
const banner: FlagDefinition = { key: 'banner', type: 'string', defaultValue: 'classic' };
const checkout: FlagDefinition = { key: 'checkout', type: 'boolean', defaultValue: false };
const on = (extra: Partial<FlagSetting> = {}): FlagSetting => ({ enabled: true, value: null, rules: [], rollout: null, ...extra });

describe(resolveFlag.name, () => {
  it('serves a boolean flag as its on/off state', () => {
    expect(resolveFlag(checkout, on(), {}, tenantId)).toEqual({ value: true, reason: 'STATIC', variant: 'on' });
    expect(resolveFlag(checkout, on({ enabled: false }), {}, tenantId)).toEqual({ value: false, reason: 'STATIC', variant: 'off' });
  });

  it('serves a typed flag’s tenant value when on and the catalogue default when off', () => {
    expect(resolveFlag(banner, on({ value: 'spring' }), {}, tenantId)).toMatchObject({ value: 'spring', reason: 'STATIC' });
    expect(resolveFlag(banner, on(), {}, tenantId)).toMatchObject({ value: 'classic' });
    expect(resolveFlag(banner, on({ enabled: false, value: 'spring', rollout: { percentage: 50 } }), {}, tenantId)).toMatchObject({
      value: 'classic',
      reason: 'DISABLED',
    });
  });

  it('applies the first targeting rule that matches the context', () => {
    const setting = on({
      value: 'spring',
      rules: [
        { attribute: 'email', operator: 'ends_with', values: ['@acme.test'], value: 'staff' },
        { attribute: 'plan', operator: 'in', values: ['pro', 'enterprise'] },
      ],
    });
    expect(resolveFlag(banner, setting, { email: 'ann@acme.test', plan: 'pro' }, tenantId)).toEqual({
      value: 'staff',
      reason: 'TARGETING_MATCH',
      variant: 'rule-1',
    });
    expect(resolveFlag(banner, setting, { email: 'bob@else.test', plan: 'pro' }, tenantId)).toEqual({
      value: 'spring',
      reason: 'TARGETING_MATCH',
      variant: 'rule-2',
    });
    expect(resolveFlag(banner, setting, { email: 'bob@else.test', plan: 'free' }, tenantId)).toMatchObject({
      value: 'spring',
      reason: 'STATIC',
    });
    expect(resolveFlag(banner, setting, { email: { nested: true } }, tenantId)).toMatchObject({ reason: 'STATIC' });
  });

  it('rolls a flag out to about the given share of users, the same users every time', () => {
    const setting = on({ rollout: { percentage: 30 } });
    const answers = Array.from({ length: 4000 }, (_, index) => resolveFlag(checkout, setting, { targetingKey: `user-${index}` }, tenantId));
    const share = answers.filter((answer) => 'value' in answer && answer.value === true).length / answers.length;
    expect(share).toBeGreaterThan(0.27);
    expect(share).toBeLessThan(0.33);
    expect(resolveFlag(checkout, setting, { targetingKey: 'user-7' }, tenantId)).toEqual(answers[7]);
    expect(answers.every((answer) => 'reason' in answer && answer.reason === 'SPLIT')).toBe(true);
  });

  it('keeps the users already in when the percentage grows', () => {
    const users = Array.from({ length: 1000 }, (_, index) => `user-${index}`);
    const at = (percentage: number) =>
      new Set(
        users.filter((user) => {
          const answer = resolveFlag(checkout, on({ rollout: { percentage } }), { targetingKey: user }, tenantId);
          return 'value' in answer && answer.value === true;
        }),
      );
    const ten = at(10);
    const forty = at(40);
    expect([...ten].every((user) => forty.has(user))).toBe(true);
  });

  it('asks for a targeting key when a rollout needs one', () => {
    expect(resolveFlag(checkout, on({ rollout: { percentage: 50 } }), {}, tenantId)).toMatchObject({ errorCode: 'TARGETING_KEY_MISSING' });
  });

  it('buckets differently per tenant and per flag', () => {
    const other = '00000000-0000-4000-8000-000000000000';
    const users = Array.from({ length: 50 }, (_, index) => `user-${index}`);
    expect(users.map((user) => rolloutBucket('a', tenantId, user))).not.toEqual(users.map((user) => rolloutBucket('a', other, user)));
    expect(users.map((user) => rolloutBucket('a', tenantId, user))).not.toEqual(users.map((user) => rolloutBucket('b', tenantId, user)));
  });
});

describe(valueMatchesType.name, () => {
  it.each([
    ['boolean', true, true],
    ['boolean', 'true', false],
    ['string', 'x', true],
    ['number', 2.5, true],
    ['number', Number.NaN, false],
    ['object', { a: 1 }, true],
    ['object', [1], false],
    ['object', null, false],
  ] as const)('%s accepts %j: %s', (type, value, expected) => {
    expect(valueMatchesType(type, value)).toBe(expected);
  });
});
