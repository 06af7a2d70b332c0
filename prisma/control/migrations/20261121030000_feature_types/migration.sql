-- Typed flags. A boolean flag's default stays default_enabled; the others
-- carry their default value (checked against the type by the app).
ALTER TABLE "features" ADD COLUMN "type" TEXT NOT NULL DEFAULT 'boolean';
ALTER TABLE "features" ADD CONSTRAINT "features_type_check" CHECK ("type" IN ('boolean', 'string', 'number', 'object'));
ALTER TABLE "features" ADD COLUMN "default_value" JSONB;
