-- The browser origins allowed to call Tenantry for a client (CORS). Public
-- clients were answered from the origins of their redirect URIs before:
-- those carry over, so nothing that worked stops working.
ALTER TABLE "clients" ADD COLUMN "web_origins" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[];

UPDATE "clients" SET "web_origins" = ARRAY(
  SELECT DISTINCT substring(uri FROM '^(https?://[^/?#]+)')
  FROM unnest("redirect_uris") AS uri
  WHERE uri ~ '^https?://[^/?#]+'
)
WHERE "secret_hash" IS NULL;
