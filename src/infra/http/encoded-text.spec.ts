import { isStorableText, unreadableForm, unreadableUrl } from './encoded-text.js';

describe('encoded text', () => {
  it.each(['/api/v1/tenants', '/api/v1/tenants?limit=10&cursor=abc', '/x?q=%C3%A9%F0%9F%98%80', '/x?a=b+c&d=%2F'])('reads %s', (url) => {
    expect(unreadableUrl(url)).toBeUndefined();
  });

  it.each([
    ['a NUL escape', '/x/%00'],
    ['a NUL in the query', '/x?a=b%00'],
    ['a malformed escape', '/x?a=%zz'],
    ['a truncated escape', '/x?a=%2'],
    ['a lone surrogate in CESU-8', '/x/%ED%A0%80'],
    ['an overlong encoding', '/x/%C0%AF'],
    ['a byte that is never UTF-8', '/x?a=%FF'],
    ['a raw non-ASCII character', '/x/\u00e9'],
  ])('refuses a URL with %s', (_label, url) => {
    expect(unreadableUrl(url)).toEqual(expect.any(String));
  });

  it('reads a form of UTF-8, raw or escaped', () => {
    expect(unreadableForm(Buffer.from('email=ada%40acme.test&name=Ad\u00e9'))).toBeUndefined();
  });

  it.each([
    ['bytes that are not UTF-8', Buffer.from([0x61, 0x3d, 0xff])],
    ['a raw NUL', Buffer.from('a=b\u0000')],
    ['an escaped NUL', Buffer.from('a=%00')],
    ['a malformed escape', Buffer.from('a=%zz')],
  ])('refuses a form with %s', (_label, body) => {
    expect(unreadableForm(body)).toEqual(expect.any(String));
  });

  it('tells text PostgreSQL can store', () => {
    expect(isStorableText('Ad\u00e9 \ud83d\ude00')).toBe(true);
    expect(isStorableText('a\u0000b')).toBe(false);
    expect(isStorableText('\ud800')).toBe(false);
  });
});
