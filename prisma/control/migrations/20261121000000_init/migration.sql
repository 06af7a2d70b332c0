-- Control plane: tenant registry, OAuth clients, signing keys, server secrets,
-- oidc-provider state and the feature catalogue.

CREATE TABLE "tenants" (
    "id" UUID NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "placement" TEXT NOT NULL DEFAULT 'isolated',
    "schema_name" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'active',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "tenants_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "tenants_slug_check" CHECK ("slug" ~ '^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$'),
    CONSTRAINT "tenants_placement_check" CHECK ("placement" IN ('isolated', 'pooled')),
    CONSTRAINT "tenants_status_check" CHECK ("status" IN ('active', 'suspended', 'deleting'))
);

CREATE UNIQUE INDEX "tenants_slug_key" ON "tenants"("slug");
CREATE UNIQUE INDEX "tenants_schema_name_key" ON "tenants"("schema_name");

CREATE TABLE "clients" (
    "id" TEXT NOT NULL,
    "tenant_id" UUID,
    "name" TEXT NOT NULL,
    "secret_hash" TEXT,
    "grant_types" TEXT[],
    "scopes" TEXT[],
    "redirect_uris" TEXT[],
    "post_logout_redirect_uris" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "clients_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "clients_tenant_id_idx" ON "clients"("tenant_id");

ALTER TABLE "clients" ADD CONSTRAINT "clients_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "signing_keys" (
    "kid" TEXT NOT NULL,
    "alg" TEXT NOT NULL,
    "public_jwk" JSONB NOT NULL,
    "private_jwk_encrypted" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "retired_at" TIMESTAMPTZ(3),

    CONSTRAINT "signing_keys_pkey" PRIMARY KEY ("kid")
);

CREATE TABLE "server_secrets" (
    "id" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "value_encrypted" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "server_secrets_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "server_secrets_purpose_created_at_idx" ON "server_secrets"("purpose", "created_at");

CREATE TABLE "oidc_payloads" (
    "id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "grant_id" TEXT,
    "user_code" TEXT,
    "uid" TEXT,
    "expires_at" TIMESTAMPTZ(3),
    "consumed_at" TIMESTAMPTZ(3),

    CONSTRAINT "oidc_payloads_pkey" PRIMARY KEY ("type", "id")
);

CREATE INDEX "oidc_payloads_grant_id_idx" ON "oidc_payloads"("grant_id");
CREATE INDEX "oidc_payloads_user_code_idx" ON "oidc_payloads"("user_code");
CREATE INDEX "oidc_payloads_uid_idx" ON "oidc_payloads"("uid");
CREATE INDEX "oidc_payloads_expires_at_idx" ON "oidc_payloads"("expires_at");

CREATE TABLE "features" (
    "key" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "default_enabled" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "features_pkey" PRIMARY KEY ("key"),
    CONSTRAINT "features_key_check" CHECK ("key" ~ '^[a-z0-9][a-z0-9._-]{0,63}$')
);
