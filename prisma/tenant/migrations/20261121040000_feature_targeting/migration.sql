-- Per tenant, beyond on/off: the value a typed flag serves when on, targeting
-- rules by user attributes, and a percentage rollout stable per user.
ALTER TABLE "tenant_features" ADD COLUMN "value" JSONB;
ALTER TABLE "tenant_features" ADD COLUMN "rules" JSONB NOT NULL DEFAULT '[]';
ALTER TABLE "tenant_features" ADD COLUMN "rollout" JSONB;
