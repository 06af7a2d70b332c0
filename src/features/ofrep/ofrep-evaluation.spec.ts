import { evaluateState, OfrepError, readContext } from './ofrep-evaluation.js';

describe('OFREP evaluation', () => {
  it('reads the context of a request body', () => {
    expect(readContext({ context: { targetingKey: 'u', plan: 'pro' } })).toEqual({ targetingKey: 'u', plan: 'pro' });
    expect(readContext({ context: {} })).toEqual({});
  });

  it.each([null, [], 'x', {}, { context: [] }, { context: 'x' }, { context: { targetingKey: 1 } }])(
    'refuses %j as INVALID_CONTEXT',
    (body) => {
      expect(() => readContext(body, 'flag')).toThrow(OfrepError);
      try {
        readContext(body, 'flag');
      } catch (error) {
        expect((error as OfrepError).status).toBe(400);
        expect((error as OfrepError).body).toMatchObject({ key: 'flag', errorCode: 'INVALID_CONTEXT' });
      }
    },
  );

  const state = {
    key: 'k',
    description: '',
    type: 'boolean' as const,
    enabled: true,
    value: true,
    defaultValue: false,
    onValue: null,
    rules: [],
    rollout: null,
    source: 'tenant' as const,
    updatedAt: null,
  };

  it('reports a tenant’s plain flag as a static value', () => {
    expect(evaluateState(state, {}, 'tenant')).toEqual({
      key: 'k',
      value: true,
      reason: 'STATIC',
      variant: 'on',
      metadata: { type: 'boolean', source: 'tenant' },
    });
  });

  it('reports a rollout without a targeting key as an evaluation failure of that flag', () => {
    expect(evaluateState({ ...state, rollout: { percentage: 50 } }, {}, 'tenant')).toMatchObject({
      key: 'k',
      errorCode: 'TARGETING_KEY_MISSING',
    });
  });
});
