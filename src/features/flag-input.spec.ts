import type { Feature } from './feature.js';
import { FeaturesError } from './features.errors.js';
import { checkTargeting } from './flag-input.js';

const banner: Feature = {
  key: 'banner',
  description: '',
  type: 'string',
  defaultEnabled: false,
  variants: { default: 'classic', sale: 'Sale!' },
  defaultVariant: 'default',
  offVariant: 'default',
  metadata: {},
  defaultValue: 'classic',
  createdAt: new Date(0),
};
const noSegments = new Set<string>();

function faults(input: Parameters<typeof checkTargeting>[1]): unknown {
  try {
    checkTargeting(banner, input, noSegments);
  } catch (error) {
    return (error as FeaturesError).extensions.errors;
  }
  throw new Error('accepted');
}

describe(checkTargeting.name, () => {
  it('translates the bodies of before 0.6.0: value, rules with values, a percentage', () => {
    expect(
      checkTargeting(
        banner,
        {
          value: 'spring',
          rules: [
            { attribute: 'email', operator: 'equals', values: ['a@b.c'], value: 'Sale!' },
            { attribute: 'plan', operator: 'in', values: ['pro', 2] },
          ],
          rollout: { percentage: 30 },
        },
        noSegments,
      ),
    ).toEqual({
      variant: 'on',
      variants: { on: 'spring' },
      rules: [
        { name: 'rule-1', when: { attribute: 'email', op: 'eq', value: 'a@b.c' }, variant: 'sale' },
        { name: 'rule-2', when: { attribute: 'plan', op: 'in', value: ['pro', '2'] }, variant: 'on' },
      ],
      rollout: [
        { variant: 'on', weight: 30 },
        { variant: 'default', weight: 70 },
      ],
    });
  });

  it('takes a tenant’s own variants beside the catalogue’s, not in place of them', () => {
    expect(checkTargeting(banner, { variants: { gold: 'Gold' }, variant: 'gold' }, noSegments)).toMatchObject({ variant: 'gold' });
    expect(faults({ variants: { sale: 'Other' } })).toEqual([
      { field: 'variants.sale', messages: ['the catalogue already has a variant of that name'], pointer: '/variants/sale' },
    ]);
    expect(faults({ variants: { gold: 5 } })).toEqual([
      { field: 'variants.gold', messages: ["must be a value of the flag's type (string)"], pointer: '/variants/gold' },
    ]);
  });

  it('names every fault of rules and rollout with its pointer', () => {
    expect(
      faults({
        rules: [{ when: { attribute: 'age', op: 'gt', value: 'x' }, variant: 'nope', extra: 1 }],
        rollout: [
          { variant: 'sale', weight: 1 },
          { variant: 'sale', weight: 2 },
        ],
      }),
    ).toEqual([
      expect.objectContaining({ pointer: '/rules/0/extra' }),
      expect.objectContaining({ pointer: '/rules/0/when/value' }),
      expect.objectContaining({ pointer: '/rules/0/variant' }),
      expect.objectContaining({ pointer: '/rollout/1/variant', messages: ['each variant may appear once'] }),
    ]);
    expect(faults({ rollout: [{ variant: 'sale', weight: 0 }] })).toEqual([
      expect.objectContaining({ pointer: '/rollout', messages: ['at least one weight must be above 0'] }),
    ]);
    expect(faults({ value: 'x', variant: 'sale' })).toEqual([
      expect.objectContaining({ pointer: '/value', messages: ['send variant or value, not both'] }),
    ]);
  });
});
