import { presentedApiKey } from './api-key.port.js';

describe(presentedApiKey.name, () => {
  it('reads X-API-Key, or a key (by its prefix) in Authorization: Bearer', () => {
    expect(presentedApiKey({ 'x-api-key': 'tpk_abc' })).toBe('tpk_abc');
    expect(presentedApiKey({ authorization: 'Bearer tsk_abc' })).toBe('tsk_abc');
    expect(presentedApiKey({ authorization: 'bearer tpk_abc' })).toBe('tpk_abc');
  });

  it('leaves access tokens and other schemes to the token path', () => {
    expect(presentedApiKey({ authorization: 'Bearer eyJhbGciOiJFUzI1NiJ9.e30.sig' })).toBeUndefined();
    expect(presentedApiKey({ authorization: 'DPoP tsk_abc' })).toBeUndefined();
    expect(presentedApiKey({})).toBeUndefined();
  });

  it('calls two credentials ambiguous', () => {
    expect(presentedApiKey({ 'x-api-key': 'tpk_abc', authorization: 'Bearer eyJ.e30.sig' })).toBe('ambiguous');
    expect(presentedApiKey({ 'x-api-key': ['tpk_a', 'tpk_b'] })).toBe('ambiguous');
  });
});
