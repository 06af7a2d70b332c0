import { escapeHtml, renderPage } from './html.js';
import { consentPage, loginPage } from './interaction.pages.js';

describe('pages', () => {
  it('escapes every character that could break out of text or attributes', () => {
    expect(escapeHtml(`<script>"x"&'y'</script>`)).toBe('&lt;script&gt;&quot;x&quot;&amp;&#39;y&#39;&lt;/script&gt;');
  });

  it('escapes tenant, client and user supplied values on the login page', () => {
    const html = loginPage({ uid: 'u1', csrf: 'c', tenantName: '<b>Acme</b>', clientName: '"><img src=x>', email: '"onfocus="x' });
    expect(html).not.toContain('<b>Acme</b>');
    expect(html).not.toContain('"><img');
    expect(html).toContain('value="&quot;onfocus=&quot;x"');
    expect(html).toContain('<label for="email">Email</label>');
    expect(html).toContain('lang="en"');
  });

  it('lists scopes in plain words on the consent page', () => {
    const html = consentPage({
      uid: 'u',
      csrf: 'c',
      tenantName: 'Acme',
      clientName: 'App',
      userEmail: 'a@b.c',
      scopes: ['openid', 'features:read'],
    });
    expect(html).toContain('Know who you are');
    expect(html).toContain('See which features are enabled for your organisation');
  });

  it('announces errors to assistive technology', () => {
    expect(renderPage({ title: 'T', error: 'Wrong password', body: '' })).toContain('role="alert"');
  });
});
