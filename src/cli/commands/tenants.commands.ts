import { TenantsService } from '../../tenants/tenants.service.js';
import { optionalString, requirePositional, UsageError, type CliCommand } from '../cli-command.js';

export const createTenantCommand: CliCommand = {
  name: 'tenants:create',
  usage: 'tenants:create <slug> [--name N] [--placement isolated]',
  summary: 'create a tenant (schema, migrations)',
  options: { name: { type: 'string' }, placement: { type: 'string' } },
  async run(app, input) {
    const placement = optionalString(input, 'placement') ?? 'isolated';
    if (placement !== 'isolated') throw new UsageError('--placement must be isolated');
    const tenant = await app.get(TenantsService).create({
      slug: requirePositional(input, 0, 'slug'),
      name: optionalString(input, 'name'),
      placement,
    });
    return {
      json: { id: tenant.id, slug: tenant.slug, name: tenant.name, placement: tenant.placement, status: tenant.status },
      text: `created tenant ${tenant.slug} (${tenant.id}), placement ${tenant.placement}, schema ${tenant.schemaName}`,
    };
  },
};

export const listTenantsCommand: CliCommand = {
  name: 'tenants:list',
  usage: 'tenants:list',
  summary: 'all tenants with placement and status',
  async run(app) {
    const tenants = await app.get(TenantsService).list();
    return {
      json: {
        tenants: tenants.map((tenant) => ({
          id: tenant.id,
          slug: tenant.slug,
          name: tenant.name,
          placement: tenant.placement,
          status: tenant.status,
          createdAt: tenant.createdAt.toISOString(),
        })),
      },
      text: tenants.length
        ? tenants.map((tenant) => `${tenant.slug}\t${tenant.placement}\t${tenant.status}\t${tenant.name}`).join('\n')
        : 'no tenants',
    };
  },
};
