-- A tenant's data. Applied inside the tenant's schema (search_path is set by
-- the migrator), so no name here is schema-qualified.

CREATE TABLE "tenant_features" (
    "tenant_id" UUID NOT NULL,
    "feature_key" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "tenant_features_pkey" PRIMARY KEY ("tenant_id", "feature_key")
);
