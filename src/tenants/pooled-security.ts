import type { PoolClient } from 'pg';
import { POOLED_ROLE, POOLED_SCHEMA, quoteSchema, TENANT_ID_SETTING } from '../infra/database/schema-names.js';

/**
 * Row-level security for the pooled schema, run after each of its migrations
 * so a table added by a later migration is covered without anyone
 * remembering to: every table with a tenant_id column gets RLS enabled and
 * FORCED, one policy limiting reads and writes to the tenant named by the
 * transaction, and privileges for the pooled role (and nothing else).
 * Idempotent.
 */
export async function securePooledSchema(client: PoolClient): Promise<void> {
  const schema = quoteSchema(POOLED_SCHEMA);
  await client.query(`DO $$
    BEGIN
      CREATE ROLE ${POOLED_ROLE} NOLOGIN NOSUPERUSER NOBYPASSRLS NOINHERIT;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END $$`);
  // A superuser may SET ROLE to anyone; another connecting user needs membership.
  await client.query(`DO $$
    BEGIN
      IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
         AND NOT pg_has_role(current_user, '${POOLED_ROLE}', 'MEMBER') THEN
        EXECUTE format('GRANT ${POOLED_ROLE} TO %I', current_user);
      END IF;
    END $$`);
  await client.query(`GRANT USAGE ON SCHEMA ${schema} TO ${POOLED_ROLE}`);
  const { rows } = await client.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.columns
     WHERE table_schema = $1 AND column_name = 'tenant_id' ORDER BY table_name`,
    [POOLED_SCHEMA],
  );
  const tenantMatches = `"tenant_id" = NULLIF(current_setting('${TENANT_ID_SETTING}', true), '')::uuid`;
  for (const { table_name: tableName } of rows) {
    const table = `${schema}."${tableName.replaceAll('"', '""')}"`;
    await client.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
    await client.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
    await client.query(`DROP POLICY IF EXISTS "tenant_isolation" ON ${table}`);
    await client.query(`CREATE POLICY "tenant_isolation" ON ${table} USING (${tenantMatches}) WITH CHECK (${tenantMatches})`);
    await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ${POOLED_ROLE}`);
  }
  // Identity columns (the feature change log) draw from sequences.
  await client.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${schema} TO ${POOLED_ROLE}`);
}
