-- Named variants, rich targeting and segments (0.6.0). Stored settings are
-- converted in place, keeping what each user is served by rules:
-- - a typed flag's on-value becomes the tenant variant "on", served when on;
-- - a rule {attribute, operator, values, value?} becomes
--   {name: "rule-N", when: {attribute, op, value}, variant} (its value a
--   tenant variant "rule-N", or for a boolean flag the on/off variant);
-- - a rollout {percentage: p} becomes [{variant: served, weight: p},
--   {variant: off, weight: 100 - p}].
-- Only rows still in the old shapes are touched, so a rerun changes nothing.
-- The catalogue (control plane, migrated first) says each flag's type.
ALTER TABLE "tenant_features" ADD COLUMN "variant" TEXT;
ALTER TABLE "tenant_features" ADD COLUMN "variants" JSONB NOT NULL DEFAULT '{}';
ALTER TABLE "tenant_features" ADD COLUMN "metadata" JSONB NOT NULL DEFAULT '{}';

UPDATE "tenant_features" SET "variants" = jsonb_build_object('on', "value"), "variant" = 'on' WHERE "value" IS NOT NULL;

UPDATE "tenant_features" AS t
SET "variants" = t."variants" || COALESCE((
      SELECT jsonb_object_agg('rule-' || r.n, r.rule -> 'value')
      FROM jsonb_array_elements(t."rules") WITH ORDINALITY AS r(rule, n)
      WHERE r.rule ? 'value' AND f."type" <> 'boolean'
    ), '{}'),
    "rules" = (
      SELECT jsonb_agg(jsonb_build_object(
        'name', 'rule-' || r.n,
        'when', jsonb_build_object(
          'attribute', r.rule -> 'attribute',
          'op', CASE r.rule ->> 'operator' WHEN 'equals' THEN 'eq' WHEN 'not_equals' THEN 'ne' ELSE r.rule ->> 'operator' END,
          'value', CASE WHEN r.rule ->> 'operator' IN ('equals', 'not_equals') THEN to_jsonb(r.rule -> 'values' ->> 0)
                   ELSE (SELECT jsonb_agg(to_jsonb(v)) FROM jsonb_array_elements_text(r.rule -> 'values') AS v) END),
        'variant', CASE
          WHEN NOT r.rule ? 'value' THEN COALESCE(t."variant", f."default_variant")
          WHEN f."type" = 'boolean' THEN CASE WHEN r.rule -> 'value' = 'true'::jsonb THEN 'on' ELSE 'off' END
          ELSE 'rule-' || r.n END
      ) ORDER BY r.n)
      FROM jsonb_array_elements(t."rules") WITH ORDINALITY AS r(rule, n)
    )
FROM "tenantry"."features" AS f
WHERE f."key" = t."feature_key" AND jsonb_array_length(t."rules") > 0 AND t."rules" -> 0 ? 'operator';

UPDATE "tenant_features" AS t
SET "rollout" = CASE
    WHEN COALESCE(t."variant", f."default_variant") = f."off_variant"
      THEN jsonb_build_array(jsonb_build_object('variant', f."off_variant", 'weight', 1))
    ELSE jsonb_build_array(
      jsonb_build_object('variant', COALESCE(t."variant", f."default_variant"), 'weight', (t."rollout" -> 'percentage')::numeric),
      jsonb_build_object('variant', f."off_variant", 'weight', 100 - (t."rollout" -> 'percentage')::numeric))
  END
FROM "tenantry"."features" AS f
WHERE f."key" = t."feature_key" AND jsonb_typeof(t."rollout") = 'object' AND t."rollout" ? 'percentage';

ALTER TABLE "tenant_features" DROP COLUMN "value";

-- Segment changes share the audit trail and change stream with flag changes.
ALTER TABLE "feature_changes" ADD COLUMN "kind" TEXT NOT NULL DEFAULT 'feature';
ALTER TABLE "feature_changes" ADD CONSTRAINT "feature_changes_kind_check" CHECK ("kind" IN ('feature', 'segment'));
ALTER TABLE "feature_changes" ALTER COLUMN "after" DROP NOT NULL;

CREATE TABLE "tenant_segments" (
    "tenant_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "when" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "tenant_segments_pkey" PRIMARY KEY ("tenant_id", "key"),
    CONSTRAINT "tenant_segments_key_check" CHECK ("key" ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$')
);
