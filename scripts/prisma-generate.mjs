// Generates both Prisma clients (control plane and tenant).
//
// `prisma generate` never runs the schema engine, yet the CLI downloads it
// first, which fails on machines that cannot reach Prisma's binary host. When
// no engine is configured we point PRISMA_SCHEMA_ENGINE_BINARY at an existing
// file for this child process only: generate works everywhere and a connected
// machine's normal `prisma migrate` keeps using the real engine.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const prismaCli = require.resolve('prisma/build/index.js');
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1' };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;

for (const schema of ['prisma/control/schema.prisma', 'prisma/tenant/schema.prisma']) {
  const result = spawnSync(process.execPath, [prismaCli, 'generate', '--schema', schema], {
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) {
    process.exit(result.status ?? 1);
  }
}
