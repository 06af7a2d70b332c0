import type { TenantFeatureState } from '../feature.js';
import { ofrepAnswer, OfrepError, readContext } from './ofrep-evaluation.js';

describe('OFREP evaluation', () => {
  it('reads the context of a request body', () => {
    expect(readContext({ context: { targetingKey: 'u', plan: 'pro' } })).toEqual({ targetingKey: 'u', plan: 'pro' });
    expect(readContext({ context: {} })).toEqual({});
  });

  it.each([null, [], 'x', {}, { context: [] }, { context: 'x' }, { context: { targetingKey: 1 } }])(
    'refuses %j as INVALID_CONTEXT, naming the flag',
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

  const state = { key: 'k', metadata: {} } as unknown as TenantFeatureState;

  it('answers metadata only when the flag has some', () => {
    expect(ofrepAnswer(state, { value: true, variant: 'on', reason: 'STATIC' }).evaluation).toEqual({
      key: 'k',
      value: true,
      reason: 'STATIC',
      variant: 'on',
    });
    const withMetadata = { ...state, metadata: { owner: 'growth', version: 2 } };
    expect(ofrepAnswer(withMetadata, { value: true, variant: 'on', reason: 'STATIC' }).evaluation).toMatchObject({
      metadata: { owner: 'growth', version: 2 },
    });
  });

  it('says UNKNOWN for OpenFeature’s DEFAULT, which OFREP’s reasons do not include', () => {
    const answer = ofrepAnswer(state, { value: 'x', variant: 'a', reason: 'DEFAULT' });
    expect(answer.evaluation).toMatchObject({ reason: 'UNKNOWN', variant: 'a' });
    expect(JSON.parse(answer.json)).toEqual(answer.evaluation);
  });

  it('renders a missing targeting key as an evaluation failure of that flag', () => {
    expect(ofrepAnswer(state, { errorCode: 'TARGETING_KEY_MISSING', errorDetails: 'needs a key' }).evaluation).toEqual({
      key: 'k',
      errorCode: 'TARGETING_KEY_MISSING',
      errorDetails: 'needs a key',
    });
  });
});
