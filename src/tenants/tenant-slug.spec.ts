import { isValidTenantSlug, tenantSchemaName } from './tenant-slug.js';

describe('tenant slugs', () => {
  it.each(['acme', 'a', 'acme-corp', '42', 'a1-b2-c3', 'x'.repeat(40)])('accepts %s', (slug) => {
    expect(isValidTenantSlug(slug)).toBe(true);
  });

  it.each(['', 'Acme', '-acme', 'acme-', 'ac_me', 'acme corp', 'x'.repeat(41), 'acme"; drop schema x', 'ümlaut'])('refuses %j', (slug) => {
    expect(isValidTenantSlug(slug)).toBe(false);
  });

  it('builds the schema name from the slug', () => {
    expect(tenantSchemaName('acme-corp')).toBe('tenant_acme_corp');
  });

  it('refuses to build a schema name from an invalid slug', () => {
    expect(() => tenantSchemaName('x"; drop table y; --')).toThrow(/invalid tenant slug/);
  });
});
