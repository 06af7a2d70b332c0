// Prisma CLI configuration for the control plane. The app applies migrations
// itself (src/infra/database/migrator.ts), recording them in Prisma's own
// `_prisma_migrations` table, so `prisma migrate deploy` on a machine that can
// download the schema engine sees the same history. Tenant schemas are
// migrated only by the app (`npm run cli -- migrate`).
import { defineConfig } from 'prisma/config';

function controlPlaneUrl(): string {
  const url = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
  // The control plane lives in the `tenantry` schema, not `public`.
  if (!url.searchParams.has('schema')) url.searchParams.set('schema', 'tenantry');
  return url.href;
}

export default defineConfig({
  schema: 'prisma/control/schema.prisma',
  migrations: { path: 'prisma/control/migrations' },
  datasource: { url: controlPlaneUrl() },
});
