// `npm test`: unit and end-to-end suites. With DATABASE_URL the e2e suites
// use that PostgreSQL server (a database per test file, cloned from a migrated
// template); without it, the embedded PostgreSQL (a data directory per file).
import { spawnSync } from 'node:child_process';

const args = ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', ...process.argv.slice(2)];
if (process.env.CI) args.push('--ci');
console.error(`tests: e2e database = ${process.env.DATABASE_URL ? 'DATABASE_URL (PostgreSQL server)' : 'embedded PGlite'}`);
const result = spawnSync(process.execPath, args, {
  stdio: 'inherit',
  env: { ...process.env, NODE_OPTIONS: [process.env.NODE_OPTIONS, '--no-warnings=ExperimentalWarning'].filter(Boolean).join(' ') },
});
process.exit(result.status ?? 1);
