import { DatabaseService } from '../../src/infra/database/database.service.js';
import { OidcPayloadsRepository } from '../../src/oidc/oidc-payloads.repository.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * The control plane's repeated statements are named prepared statements on a
 * PostgreSQL server (parsed and planned once per connection), never on the
 * embedded one (one PGlite session under every pooled connection), and never
 * with DATABASE_PREPARED_STATEMENTS=false. One pooled connection, so the
 * session whose pg_prepared_statements we read is the one that ran them.
 */
describe('prepared statements (DATABASE_PREPARED_STATEMENTS)', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database.drop();
  });

  async function preparedAfterRepeatedLookups(testApp: TestApp): Promise<{ name: string; statement: string }[]> {
    const payloads = testApp.app.get(OidcPayloadsRepository);
    for (let i = 0; i < 3; i += 1) await payloads.isLive('AccessToken', `no-such-token-${i}`);
    const { control } = testApp.app.get(DatabaseService);
    return control.$queryRaw<{ name: string; statement: string }[]>`SELECT "name", "statement" FROM pg_prepared_statements`;
  }

  async function withApp<T>(env: Record<string, string>, work: (testApp: TestApp) => Promise<T>): Promise<T> {
    const testApp = await startTestApp({ DATABASE_POOL_SIZE: '1', ...env }, database);
    try {
      return await work(testApp);
    } finally {
      await testApp.close();
    }
  }

  const onServer = process.env.DATABASE_URL !== undefined;

  it(
    onServer
      ? 'prepares a control-plane lookup sent again and again, once, under a tenantry_ name'
      : 'prepares nothing on the embedded database',
    async () => {
      const prepared = await withApp({}, preparedAfterRepeatedLookups);
      if (onServer) {
        const lookups = prepared.filter((row) => row.statement.includes('"oidc_payloads"'));
        expect(lookups).toHaveLength(1);
        expect(lookups[0]!.name).toMatch(/^tenantry_\d+$/);
      } else {
        expect(prepared).toEqual([]);
      }
    },
  );

  it('prepares nothing with DATABASE_PREPARED_STATEMENTS=false', async () => {
    expect(await withApp({ DATABASE_PREPARED_STATEMENTS: 'false' }, preparedAfterRepeatedLookups)).toEqual([]);
  });
});
