import { progressLine } from './migrate.command.js';

describe(progressLine.name, () => {
  it('fills the bar with every finished schema, whatever its outcome', () => {
    const line = progressLine({ total: 10, done: 3, skipped: 1, failed: 1 });
    expect(line).toContain(`[${'#'.repeat(15)}${'-'.repeat(15)}] 5/10`);
    expect(line).toContain('migrated 3, up to date 1, failed 1');
  });

  it('shows a full bar when there is nothing to do', () => {
    expect(progressLine({ total: 0, done: 0, skipped: 0, failed: 0 })).toContain(`[${'#'.repeat(30)}] 0/0`);
  });
});
