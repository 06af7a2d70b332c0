import { apiKeyKind, generateApiKey, generateApiKeyId, API_KEY_ID_PATTERN, randomBase62 } from './api-key-format.js';

describe('API key format', () => {
  it('makes publishable and secret keys with their prefixes, 32 random characters and a checksum', () => {
    const publishable = generateApiKey('publishable');
    const secret = generateApiKey('secret');
    expect(publishable.key).toMatch(/^tpk_[0-9A-Za-z]{38}$/);
    expect(secret.key).toMatch(/^tsk_[0-9A-Za-z]{38}$/);
    expect(publishable.prefix).toBe(publishable.key.slice(0, 10));
    expect(apiKeyKind(publishable.key)).toBe('publishable');
    expect(apiKeyKind(secret.key)).toBe('secret');
  });

  it('refuses a key with one character changed, truncated, or with another prefix, without any lookup', () => {
    const { key } = generateApiKey('secret');
    const position = 10;
    const changed = key.slice(0, position) + (key[position] === 'a' ? 'b' : 'a') + key.slice(position + 1);
    expect(apiKeyKind(changed)).toBeUndefined();
    expect(apiKeyKind(key.slice(0, -1))).toBeUndefined();
    expect(apiKeyKind(`tpk_${key.slice(4)}`)).toBeUndefined();
    expect(apiKeyKind(`${key}x`)).toBeUndefined();
    expect(apiKeyKind('')).toBeUndefined();
  });

  it('draws distinct keys and ids', () => {
    const keys = new Set(Array.from({ length: 1000 }, () => generateApiKey('publishable').key));
    expect(keys.size).toBe(1000);
    expect(generateApiKeyId()).toMatch(API_KEY_ID_PATTERN);
  });

  it('draws every base62 character', () => {
    expect(new Set(randomBase62(5000)).size).toBe(62);
  });
});
