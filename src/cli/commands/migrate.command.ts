import { DatabaseService } from '../../infra/database/database.service.js';
import type { SchemaMigrationProgress } from '../../tenants/tenant-schema-migrator.js';
import { TenantMigrationsService } from '../../tenants/tenant-migrations.service.js';
import { optionalString, UsageError, type CliCommand } from '../cli-command.js';

const BAR_WIDTH = 30;

export function progressLine(progress: SchemaMigrationProgress): string {
  const finished = progress.done + progress.skipped + progress.failed;
  const filled = progress.total === 0 ? BAR_WIDTH : Math.round((finished / progress.total) * BAR_WIDTH);
  return (
    `tenant schemas [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${finished}/${progress.total}` +
    `  migrated ${progress.done}, up to date ${progress.skipped}, failed ${progress.failed}`
  );
}

export const migrateCommand: CliCommand = {
  name: 'migrate',
  usage: 'migrate [--concurrency N]',
  summary: 'apply pending migrations to the control plane and every tenant',
  options: { concurrency: { type: 'string' } },
  async run(app, input) {
    const rawConcurrency = optionalString(input, 'concurrency');
    const concurrency = rawConcurrency === undefined ? undefined : Number(rawConcurrency);
    if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)) {
      throw new UsageError('--concurrency must be a whole number from 1 to 64');
    }
    const control = await app.get(DatabaseService).migrateControlPlane();
    const tenants = await app.get(TenantMigrationsService).migrateAll({
      concurrency,
      onProgress: input.progress ? (progress) => input.progress!(progressLine(progress)) : undefined,
    });
    const json = {
      control: { applied: control },
      tenants: {
        total: tenants.total,
        done: tenants.done,
        skipped: tenants.skipped,
        failed: tenants.failures,
        durationMs: tenants.durationMs,
      },
    };
    const text = [
      `control plane: ${control.length ? `applied ${control.join(', ')}` : 'up to date'}`,
      `tenant schemas: ${tenants.done} migrated, ${tenants.skipped} already up to date, ${tenants.failed} failed` +
        ` (${tenants.total} needed a look, ${(tenants.durationMs / 1000).toFixed(1)} s)`,
      ...tenants.failures.map((failure) => `  ${failure.schema}: ${failure.error}`),
    ].join('\n');
    if (tenants.failed > 0) {
      throw Object.assign(new Error(`${tenants.failed} tenant schema(s) failed to migrate`), { result: { json, text } });
    }
    return { json, text };
  },
};
