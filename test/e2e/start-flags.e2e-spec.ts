import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

// `npm start`, the container and the benchmarks run Node with the flags in
// package.json's start script (README, Benchmarks: what each one buys). A Node
// that no longer knows one of them refuses to start, so check that this one
// takes them, and that the Dockerfile runs with the same ones.
const root = new URL('../../', import.meta.url);
const startScript: string = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')).scripts.start;
const startFlags = startScript.split(/\s+/).filter((word) => word.startsWith('--'));

describe('the Node flags the service runs with', () => {
  it('are the same for npm start and the container', () => {
    const cmd = readFileSync(new URL('Dockerfile', root), 'utf8').match(/^CMD (\[.*\])$/m);
    expect(cmd).not.toBeNull();
    const containerFlags = (JSON.parse(cmd![1]!) as string[]).filter((word) => word.startsWith('--'));
    expect(startScript).toMatch(/ dist\/main\.js$/);
    expect(containerFlags).toEqual(startFlags);
  });

  it('are accepted by this Node, and cap the old generation at 384 MB', () => {
    const run = spawnSync(
      process.execPath,
      [...startFlags, '--input-type=module', '-e', "import v8 from 'node:v8'; console.log(v8.getHeapStatistics().heap_size_limit)"],
      {
        encoding: 'utf8',
      },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    // The limit is old space plus the young generation's reserve (3 semi-spaces: 3 × 16 MB on Node 20, 3 × 64 MB on Node 24).
    const limitMb = Number(run.stdout.trim()) / 1024 / 1024;
    expect(limitMb).toBeGreaterThanOrEqual(384);
    expect(limitMb).toBeLessThanOrEqual(384 + 3 * 64);
  });
});
