// `npm run cli -- <command>`: builds dist/ when src/ changed since the last
// build (npm start builds too), then runs the compiled CLI.
import { spawnSync } from 'node:child_process';
import { ensureBuild } from './ensure-build.mjs';

const entry = 'dist/cli.js';
try {
  ensureBuild(entry);
} catch (error) {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
const result = spawnSync(process.execPath, [entry, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
