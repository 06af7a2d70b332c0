-- The admin console. Operators: the people of the company running Tenantry,
-- who sign in to the console with a role. Console sessions: the console's
-- server side (backend-for-frontend) keeps each person's tokens here, sealed,
-- under the hash of the cookie value, so no replica needs sticky sessions and
-- a stolen database row does not open a session.
CREATE TABLE "operators" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "operators_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "operators_role_check" CHECK ("role" IN ('viewer', 'editor', 'admin'))
);

CREATE UNIQUE INDEX "operators_email_key" ON "operators"("email");

CREATE TABLE "console_sessions" (
    "id" TEXT NOT NULL,
    "csrf_token" TEXT NOT NULL,
    "sealed_tokens" TEXT NOT NULL,
    "person" JSONB NOT NULL,
    "access_expires_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "console_sessions_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "console_sessions_expires_at_idx" ON "console_sessions"("expires_at");

-- A platform setting per tenant: may the tenant's own admins toggle its flags?
ALTER TABLE "tenants" ADD COLUMN "admins_may_toggle_flags" BOOLEAN NOT NULL DEFAULT false;
