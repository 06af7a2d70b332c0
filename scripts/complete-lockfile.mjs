// Run after `npm install` on a machine whose registry mirror lacks other
// platforms' optional binaries (@swc/core-darwin-arm64, ...). npm then leaves
// them out of package-lock.json and `npm ci` refuses the lock everywhere.
// This adds each missing optional platform package as an entry constrained to
// its os/cpu, so npm skips it on other platforms and fetches it on its own.
import { readFileSync, writeFileSync } from 'node:fs';

const PLATFORM =
  /-(android|darwin|freebsd|linux|openharmony|win32)-(arm64|arm|x64|ia32|ppc64|s390x|loong64|riscv64)(?:-(gnu|musl|gnueabihf|musleabihf|eabi|msvc))?$/;

const lockPath = 'package-lock.json';
const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
let added = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const target = `node_modules/${name}`;
    const match = PLATFORM.exec(name);
    if (lock.packages[target] || !match) continue;
    const [, os, cpu, abi] = match;
    lock.packages[target] = {
      version,
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      os: [os],
      cpu: [cpu],
      ...(abi && os === 'linux' ? { libc: [abi.startsWith('musl') ? 'musl' : 'glibc'] } : {}),
    };
    added += 1;
    console.error(`added ${target}@${version} (${os}/${cpu}) for ${path || 'the root'}`);
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
writeFileSync(lockPath, JSON.stringify(lock, null, 2) + '\n');
console.error(`${added} platform entr${added === 1 ? 'y' : 'ies'} added`);
