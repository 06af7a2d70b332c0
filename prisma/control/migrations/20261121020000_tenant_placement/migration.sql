-- Placement per tenant. Isolated tenants keep a schema of their own; pooled
-- tenants share the "tenants_pooled" schema under row-level security, so the
-- schema name is no longer unique per tenant.
DROP INDEX "tenants_schema_name_key";
CREATE INDEX "tenants_schema_name_idx" ON "tenants"("schema_name");
-- Admin listing filters by placement and status and pages by slug.
CREATE INDEX "tenants_placement_status_slug_idx" ON "tenants"("placement", "status", "slug");
CREATE INDEX "tenants_status_slug_idx" ON "tenants"("status", "slug");

-- A move copies the data, switches routing, and removes the old copy in a
-- second step; the old copy waits here until it is removed, so a crash between
-- the two steps is finished later rather than forgotten.
ALTER TABLE "tenants" ADD COLUMN "retired_schema" TEXT;

-- One row per physical tenant schema (every isolated schema and the pool) with
-- the last tenant migration applied to it: start-up finds the schemas that
-- need work with one query instead of opening 10,000 transactions.
CREATE TABLE "tenant_schemas" (
    "schema_name" TEXT NOT NULL,
    "migration" TEXT,
    "migrated_at" TIMESTAMPTZ(3),

    CONSTRAINT "tenant_schemas_pkey" PRIMARY KEY ("schema_name")
);
CREATE INDEX "tenant_schemas_migration_idx" ON "tenant_schemas"("migration");

INSERT INTO "tenant_schemas" ("schema_name") VALUES ('tenants_pooled');
INSERT INTO "tenant_schemas" ("schema_name") SELECT "schema_name" FROM "tenants" ON CONFLICT DO NOTHING;
