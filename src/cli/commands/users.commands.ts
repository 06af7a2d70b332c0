import type { TenantUserRole } from '../../auth/console-roles.js';
import { TenantAccessService } from '../../tenants/tenant-access.service.js';
import { UsersService } from '../../users/users.service.js';
import { optionalString, requireString, UsageError, type CliCommand } from '../cli-command.js';

export const createUserCommand: CliCommand = {
  name: 'users:create',
  usage: 'users:create --tenant slug --email E [--name N] [--email-verified] [--role member|admin] --password-stdin',
  summary: 'a tenant user who can sign in (the password is read from stdin, never from arguments)',
  options: {
    tenant: { type: 'string' },
    email: { type: 'string' },
    name: { type: 'string' },
    'email-verified': { type: 'boolean' },
    role: { type: 'string' },
    'password-stdin': { type: 'boolean' },
  },
  async run(app, input) {
    if (input.options['password-stdin'] !== true) throw new UsageError('--password-stdin is required: pipe the password in');
    const password = (input.stdin ?? '').split(/\r?\n/)[0] ?? '';
    if (!password) throw new UsageError('no password on stdin');
    // The API's usability rule: unknown 404, suspended 403.
    const tenant = await app.get(TenantAccessService).resolve({ tenantId: null }, requireString(input, 'tenant'));
    const user = await app.get(UsersService).create(tenant, {
      email: requireString(input, 'email'),
      password,
      name: optionalString(input, 'name'),
      emailVerified: input.options['email-verified'] === true,
      role: optionalString(input, 'role') as TenantUserRole | undefined,
    });
    return {
      json: { id: user.id, tenant: tenant.slug, email: user.email, name: user.name, emailVerified: user.emailVerified, role: user.role },
      text: `created user ${user.email} (${user.id}) in tenant ${tenant.slug}`,
    };
  },
};
