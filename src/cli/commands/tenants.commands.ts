import { TenancyConfig } from '../../config/app-config.js';
import { TenantResponse } from '../../tenants/dto/tenant.response.js';
import { TENANT_PLACEMENTS, TENANT_STATUSES, type Tenant, type TenantPlacement, type TenantStatus } from '../../tenants/tenant.js';
import { TenantMoveService } from '../../tenants/tenant-move.service.js';
import { TenantRemovalService } from '../../tenants/tenant-removal.service.js';
import { TenantsService } from '../../tenants/tenants.service.js';
import { optionalString, requirePositional, requireString, UsageError, type CliCommand, type CommandInput } from '../cli-command.js';

/** The CLI prints a tenant exactly as the API returns it. */
function describeTenant(tenant: Tenant): Record<string, unknown> {
  return { ...TenantResponse.from(tenant) };
}

function placementOption(input: CommandInput, required: true): TenantPlacement;
function placementOption(input: CommandInput, required: false): TenantPlacement | undefined;
function placementOption(input: CommandInput, required: boolean): TenantPlacement | undefined {
  const value = required ? requireString(input, 'placement') : optionalString(input, 'placement');
  if (value !== undefined && !(TENANT_PLACEMENTS as readonly string[]).includes(value)) {
    throw new UsageError(`--placement must be one of ${TENANT_PLACEMENTS.join(', ')}`);
  }
  return value as TenantPlacement | undefined;
}

export const createTenantCommand: CliCommand = {
  name: 'tenants:create',
  usage: 'tenants:create <slug> [--name N] [--placement isolated|pooled]',
  summary: 'create a tenant (schema or pooled rows, migrations, catalogue defaults)',
  options: { name: { type: 'string' }, placement: { type: 'string' } },
  async run(app, input) {
    const tenant = await app.get(TenantsService).create({
      slug: requirePositional(input, 0, 'slug'),
      name: optionalString(input, 'name'),
      placement: placementOption(input, false) ?? app.get(TenancyConfig).defaultPlacement,
    });
    return {
      json: describeTenant(tenant),
      text: `created tenant ${tenant.slug} (${tenant.id}), placement ${tenant.placement}, schema ${tenant.schemaName}`,
    };
  },
};

export const listTenantsCommand: CliCommand = {
  name: 'tenants:list',
  usage: 'tenants:list [--placement isolated|pooled] [--status active|suspended|deleting]',
  summary: 'all tenants with placement and status',
  options: { placement: { type: 'string' }, status: { type: 'string' } },
  async run(app, input) {
    const status = optionalString(input, 'status');
    if (status !== undefined && !(TENANT_STATUSES as readonly string[]).includes(status)) {
      throw new UsageError(`--status must be one of ${TENANT_STATUSES.join(', ')}`);
    }
    const tenants = await app
      .get(TenantsService)
      .listAll({ placement: placementOption(input, false), status: status as TenantStatus | undefined });
    return {
      json: { tenants: tenants.map(describeTenant) },
      text: tenants.length
        ? tenants.map((tenant) => `${tenant.slug}\t${tenant.placement}\t${tenant.status}\t${tenant.name}`).join('\n')
        : 'no tenants',
    };
  },
};

export const suspendTenantCommand: CliCommand = {
  name: 'tenants:suspend',
  usage: 'tenants:suspend <slug>',
  summary: 'suspend a tenant: its tokens stop working at once',
  async run(app, input) {
    const tenant = await app.get(TenantsService).suspend(requirePositional(input, 0, 'slug'));
    return { json: describeTenant(tenant), text: `tenant ${tenant.slug} is suspended` };
  },
};

export const resumeTenantCommand: CliCommand = {
  name: 'tenants:resume',
  usage: 'tenants:resume <slug>',
  summary: 'resume a suspended tenant',
  async run(app, input) {
    const tenant = await app.get(TenantsService).resume(requirePositional(input, 0, 'slug'));
    return { json: describeTenant(tenant), text: `tenant ${tenant.slug} is active` };
  },
};

export const moveTenantCommand: CliCommand = {
  name: 'tenants:move',
  usage: 'tenants:move <slug> --placement isolated|pooled',
  summary: "move a tenant's data between placements without losing a write",
  options: { placement: { type: 'string' } },
  async run(app, input) {
    const slug = requirePositional(input, 0, 'slug');
    const placement = placementOption(input, true);
    input.progress?.(`moving ${slug} to ${placement}; the old copy is removed after the grace period`);
    const result = await app.get(TenantMoveService).move(slug, placement, { waitForCleanup: true });
    return {
      json: { ...describeTenant(result.tenant), from: result.from, copiedRows: result.copiedRows },
      text:
        result.from === placement
          ? `tenant ${slug} is already ${placement}`
          : `moved tenant ${slug} from ${result.from} to ${placement} (${result.copiedRows} rows copied); the old copy is removed`,
    };
  },
};

export const deleteTenantCommand: CliCommand = {
  name: 'tenants:delete',
  usage: 'tenants:delete <slug>',
  summary: 'suspend then remove a tenant, its clients, grants and data (safe to rerun)',
  async run(app, input) {
    const slug = requirePositional(input, 0, 'slug');
    await app.get(TenantRemovalService).delete(slug);
    return { json: { slug, deleted: true }, text: `deleted tenant ${slug}` };
  },
};
