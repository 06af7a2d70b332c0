// Builds dist/ when src/ changed since the last build: for what runs the
// compiled service (the CLI wrapper, tests that start it as a process).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newestMtime(directory) {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export function ensureBuild(entry = 'dist/main.js') {
  if (existsSync(entry) && newestMtime('src') <= statSync(entry).mtimeMs) return;
  const build = spawnSync('npm', ['run', '--silent', 'build'], { stdio: ['ignore', 2, 2] });
  if (build.status !== 0) throw new Error(`npm run build failed (${build.status})`);
}

if (import.meta.url === `file://${process.argv[1]}`) ensureBuild(process.argv[2]);
