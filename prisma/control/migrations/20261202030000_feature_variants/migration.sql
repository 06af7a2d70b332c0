-- Named variants (0.6.0). Existing flags keep their meaning: a boolean flag
-- has variants on (true) and off (false), on when enabled; a typed flag has
-- one variant, default, holding its default value, served on and off (a
-- tenant's own on-value becomes a tenant variant, see the tenant migration).
ALTER TABLE "features" ADD COLUMN "variants" JSONB NOT NULL DEFAULT '{}';
ALTER TABLE "features" ADD COLUMN "default_variant" TEXT;
ALTER TABLE "features" ADD COLUMN "off_variant" TEXT;
ALTER TABLE "features" ADD COLUMN "metadata" JSONB NOT NULL DEFAULT '{}';

UPDATE "features" SET "variants" = '{"on": true, "off": false}', "default_variant" = 'on', "off_variant" = 'off'
WHERE "type" = 'boolean';
UPDATE "features" SET "variants" = jsonb_build_object('default', "default_value"), "default_variant" = 'default', "off_variant" = 'default'
WHERE "type" <> 'boolean';

-- A row written without variants (by a release before 0.6.0 still running
-- during an upgrade) is a boolean flag: the defaults say so.
ALTER TABLE "features" ALTER COLUMN "variants" SET DEFAULT '{"on": true, "off": false}';
ALTER TABLE "features" ALTER COLUMN "default_variant" SET DEFAULT 'on';
ALTER TABLE "features" ALTER COLUMN "off_variant" SET DEFAULT 'off';
ALTER TABLE "features" ALTER COLUMN "default_variant" SET NOT NULL;
ALTER TABLE "features" ALTER COLUMN "off_variant" SET NOT NULL;
