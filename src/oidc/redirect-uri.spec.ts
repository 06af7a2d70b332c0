import { validateRedirectUri } from './redirect-uri.js';

describe('validateRedirectUri', () => {
  it.each(['https://app.acme.test/cb', 'http://localhost:8080/cb', 'http://127.0.0.1/cb', 'com.acme.app:/oauth/cb'])(
    'accepts %s',
    (uri) => {
      expect(validateRedirectUri(uri)).toBeUndefined();
    },
  );

  it.each([
    ['/relative', /absolute/],
    ['https://app.acme.test/cb#frag', /fragment/],
    ['http://app.acme.test/cb', /https/],
    ['javascript:alert(1)', /private-use/],
    ['myapp:/cb', /private-use/],
  ])('refuses %s', (uri, problem) => {
    expect(validateRedirectUri(uri)).toMatch(problem);
  });
});
