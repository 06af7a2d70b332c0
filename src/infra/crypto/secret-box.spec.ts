import { SecretBox } from './secret-box.js';

const KEY = 'k'.repeat(40);

describe(SecretBox.name, () => {
  it('opens what it sealed', () => {
    const box = new SecretBox(KEY, 'signing-key');
    expect(box.open(box.seal('{"d":"private"}'))).toBe('{"d":"private"}');
  });

  it('never produces the same ciphertext twice', () => {
    const box = new SecretBox(KEY, 'signing-key');
    expect(box.seal('same')).not.toBe(box.seal('same'));
  });

  it('does not contain the plaintext', () => {
    const box = new SecretBox(KEY, 'signing-key');
    expect(box.seal('plaintext-marker')).not.toContain('plaintext-marker');
  });

  it('refuses a ciphertext under another SECRET_KEY', () => {
    const sealed = new SecretBox(KEY, 'signing-key').seal('x');
    expect(() => new SecretBox('z'.repeat(40), 'signing-key').open(sealed)).toThrow(/SECRET_KEY differs/);
  });

  it('refuses a ciphertext sealed for another purpose', () => {
    const sealed = new SecretBox(KEY, 'cookie-key').seal('x');
    expect(() => new SecretBox(KEY, 'signing-key').open(sealed)).toThrow();
  });

  it('refuses a tampered ciphertext', () => {
    const box = new SecretBox(KEY, 'signing-key');
    const sealed = box.seal('value');
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
    expect(() => box.open(tampered)).toThrow();
  });
});
