-- A tenant starts with the catalogue's defaults written into its state
-- (origin 'seed'); an admin's change makes it an override (origin 'override').
-- Rows written before this migration were all set by an admin.
ALTER TABLE "tenant_features" ADD COLUMN "origin" TEXT NOT NULL DEFAULT 'override';
ALTER TABLE "tenant_features" ADD CONSTRAINT "tenant_features_origin_check" CHECK ("origin" IN ('seed', 'override'));
