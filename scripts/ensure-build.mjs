// Builds dist/ when src/ changed since the last build: for what runs the
// compiled service (the CLI wrapper, tests that start it as a process).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newestMtime(directory) {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const LOCK = '.build-lock';
// A build takes well under a minute; a lock older than this was left by a process that died.
const STALE_LOCK_MS = 5 * 60_000;

const fresh = (entry) => existsSync(entry) && newestMtime('src') <= statSync(entry).mtimeMs;

function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * One build at a time in this checkout (CI runs two test legs side by side,
 * and the CLI wrapper may run beside them): a process that finds dist/ stale
 * takes the lock (a directory, created atomically), checks again, and builds
 * only if no one else has in the meantime; a reader never sees dist/ half
 * written by a build of another process.
 */
export function ensureBuild(entry = 'dist/main.js') {
  if (fresh(entry)) return;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
      } catch {
        // released meanwhile
      }
      sleepSync(200);
    }
  }
  try {
    if (fresh(entry)) return;
    const build = spawnSync('npm', ['run', '--silent', 'build'], { stdio: ['ignore', 2, 2] });
    if (build.status !== 0) throw new Error(`npm run build failed (${build.status})`);
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) ensureBuild(process.argv[2]);
