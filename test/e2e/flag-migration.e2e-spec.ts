import type pg from 'pg';
import { DatabaseService } from '../../src/infra/database/database.service.js';
import { loadMigrations, migrateSchema } from '../../src/infra/database/migrator.js';
import { tenantMigrationsDirectory } from '../../src/infra/project-paths.js';
import { FeaturesService } from '../../src/features/features.service.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** 0.6.0's tenant migration converts settings stored in the shapes of before: value, {attribute, operator, values} rules, {percentage} rollouts. */
describe('the flag variants migration', () => {
  let testApp: TestApp;
  let pool: pg.Pool;
  const migrations = loadMigrations(tenantMigrationsDirectory);
  const variantsMigration = migrations.findIndex((migration) => migration.name.endsWith('_flag_variants_segments'));
  const tenantId = '6b3c7a36-9a0e-4a43-9b5e-0d9f1f4b2a11';

  beforeAll(async () => {
    testApp = await startTestApp();
    pool = testApp.app.get(DatabaseService).pool;
    const features = testApp.app.get(FeaturesService);
    await features.createFeature({ key: 'beta' });
    await features.createFeature({ key: 'banner', type: 'string', defaultValue: 'classic' });
    await features.createFeature({ key: 'plain', type: 'number', defaultValue: 3 });
  });

  afterAll(async () => {
    await testApp?.close();
  });

  it('turns stored values, rules and rollouts into variants, conditions and weighted shares, once', async () => {
    expect(variantsMigration).toBeGreaterThan(0);
    await pool.query('CREATE SCHEMA "legacy_flags"');
    await migrateSchema(pool, 'legacy_flags', migrations.slice(0, variantsMigration));
    const insert = `INSERT INTO "legacy_flags"."tenant_features" ("tenant_id", "feature_key", "enabled", "origin", "value", "rules", "rollout", "updated_at")
      VALUES ($1, $2, true, 'override', $3, $4, $5, now())`;
    await pool.query(insert, [
      tenantId,
      'banner',
      JSON.stringify('spring'),
      JSON.stringify([
        { attribute: 'email', operator: 'ends_with', values: ['@acme.test'], value: 'staff' },
        { attribute: 'plan', operator: 'equals', values: ['pro'] },
        { attribute: 'seats', operator: 'in', values: [5, true] },
      ]),
      JSON.stringify({ percentage: 25 }),
    ]);
    await pool.query(insert, [
      tenantId,
      'beta',
      null,
      JSON.stringify([{ attribute: 'plan', operator: 'not_equals', values: ['free'], value: false }]),
      JSON.stringify({ percentage: 40 }),
    ]);
    await pool.query(insert, [tenantId, 'plain', null, '[]', null]);

    const apply = async () => migrateSchema(pool, 'legacy_flags', migrations);
    expect((await apply()).applied).toEqual(migrations.slice(variantsMigration).map((migration) => migration.name));
    const rows = async () =>
      (
        await pool.query(
          `SELECT "feature_key", "variant", "variants", "rules", "rollout", "metadata" FROM "legacy_flags"."tenant_features" ORDER BY "feature_key"`,
        )
      ).rows;
    const converted = await rows();
    expect(converted).toEqual([
      {
        feature_key: 'banner',
        variant: 'on',
        variants: { on: 'spring', 'rule-1': 'staff' },
        rules: [
          { name: 'rule-1', when: { attribute: 'email', op: 'ends_with', value: ['@acme.test'] }, variant: 'rule-1' },
          { name: 'rule-2', when: { attribute: 'plan', op: 'eq', value: 'pro' }, variant: 'on' },
          { name: 'rule-3', when: { attribute: 'seats', op: 'in', value: ['5', 'true'] }, variant: 'on' },
        ],
        rollout: [
          { variant: 'on', weight: 25 },
          { variant: 'default', weight: 75 },
        ],
        metadata: {},
      },
      {
        feature_key: 'beta',
        variant: null,
        variants: {},
        rules: [{ name: 'rule-1', when: { attribute: 'plan', op: 'ne', value: 'free' }, variant: 'off' }],
        rollout: [
          { variant: 'on', weight: 40 },
          { variant: 'off', weight: 60 },
        ],
        metadata: {},
      },
      { feature_key: 'plain', variant: null, variants: {}, rules: [], rollout: null, metadata: {} },
    ]);
    const { rows: columns } = await pool.query(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = 'legacy_flags' AND table_name = 'tenant_features' AND column_name = 'value'`,
    );
    expect(columns).toEqual([]);
    expect((await apply()).applied).toEqual([]);
    expect(await rows()).toEqual(converted);
  });
});
