-- API keys of tenants (src/api-keys): publishable keys for browsers (flag
-- evaluation from their origins), secret keys for servers (scoped, optionally
-- bound to client IP ranges). Only a hash of each key is kept.
CREATE TABLE "api_keys" (
    "id" TEXT NOT NULL,
    "tenant_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT,
    "prefix" TEXT NOT NULL,
    "key_hash" TEXT NOT NULL,
    "scopes" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "origins" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "ip_ranges" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "rate_limit_per_minute" INTEGER,
    "expires_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" TEXT NOT NULL,

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "api_keys_kind_check" CHECK ("kind" IN ('publishable', 'secret')),
    CONSTRAINT "api_keys_rate_limit_check" CHECK ("rate_limit_per_minute" IS NULL OR "rate_limit_per_minute" > 0)
);

CREATE UNIQUE INDEX "api_keys_key_hash_key" ON "api_keys"("key_hash");
CREATE INDEX "api_keys_tenant_id_idx" ON "api_keys"("tenant_id");

-- The owner removes a tenant's keys when the tenant is deleted (its lifecycle
-- participant); the cascade only guarantees no key outlives its tenant.
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
