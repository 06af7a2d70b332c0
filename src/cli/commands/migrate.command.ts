import { DatabaseService } from '../../infra/database/database.service.js';
import { TenantsService } from '../../tenants/tenants.service.js';
import type { CliCommand } from '../cli-command.js';

export const migrateCommand: CliCommand = {
  name: 'migrate',
  usage: 'migrate',
  summary: 'apply pending migrations to the control plane and every tenant',
  async run(app) {
    const control = await app.get(DatabaseService).migrateControlPlane();
    const tenants = await app.get(TenantsService).migrateAll();
    const json = {
      control: { applied: control },
      tenants: { done: tenants.done, failed: tenants.failed, applied: tenants.applied },
    };
    const text = [
      `control plane: ${control.length ? `applied ${control.join(', ')}` : 'up to date'}`,
      `tenants: ${tenants.done} migrated, ${tenants.failed.length} failed`,
      ...tenants.failed.map((failure) => `  ${failure.slug}: ${failure.error}`),
    ].join('\n');
    if (tenants.failed.length > 0) {
      throw Object.assign(new Error(`${tenants.failed.length} tenant(s) failed to migrate`), { result: { json, text } });
    }
    return { json, text };
  },
};
