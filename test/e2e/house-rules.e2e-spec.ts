import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../src/infra/project-paths.js';

const CONFIG = join(projectRoot, '.dependency-cruiser.cjs');
const FIXTURE = join(projectRoot, 'test', 'fixtures', 'boundaries');

/** The violations `npm run lint`'s boundary check reports for a tree: rule name, from, to. */
function violations(baseDir: string): { rule: string; from: string; to: string }[] {
  const result = spawnSync(
    process.execPath,
    [join(projectRoot, 'node_modules', '.bin', 'depcruise'), 'src', '--config', CONFIG, '--output-type', 'json'],
    {
      cwd: baseDir,
      encoding: 'utf8',
    },
  );
  const report = JSON.parse(result.stdout) as { summary: { violations: { rule: { name: string }; from: string; to: string }[] } };
  return report.summary.violations.map((violation) => ({ rule: violation.rule.name, from: violation.from, to: violation.to }));
}

describe('house rules: module boundaries', () => {
  it('finds no violation in the source tree', () => {
    expect(violations(projectRoot)).toEqual([]);
  });

  it('fails on each kind of broken boundary (a fixture tree that breaks every rule once)', () => {
    const found = violations(FIXTURE);
    expect(found).toEqual(
      expect.arrayContaining([
        { rule: 'infra-imports-above-it', from: 'src/infra/leak.ts', to: 'src/features/flag.ts' },
        { rule: 'config-imports-above-it', from: 'src/config/leak.ts', to: 'src/tenants/tenant.ts' },
        { rule: 'auth-imports-above-it', from: 'src/auth/leak.ts', to: 'src/oidc/issuer.ts' },
        { rule: 'tenants-imports-above-it', from: 'src/tenants/leak.ts', to: 'src/cli/command.ts' },
        { rule: 'oidc-imports-above-it', from: 'src/oidc/key-origins-leak.ts', to: 'src/api-keys/key-store.ts' },
        expect.objectContaining({ rule: 'no-circular', from: 'src/features/cycle-a.ts' }),
      ]),
    );
    expect(new Set(found.map((violation) => violation.rule)).size).toBe(6);
  });
});
