-- DPoP proofs the API has accepted (RFC 9449 §11.1), by key thumbprint and
-- jti, until they can no longer be replayed (iat window), so a proof is
-- single-use on every instance.
CREATE TABLE "dpop_proofs" (
    "jkt" TEXT NOT NULL,
    "jti" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "dpop_proofs_pkey" PRIMARY KEY ("jkt", "jti")
);

CREATE INDEX "dpop_proofs_expires_at_idx" ON "dpop_proofs"("expires_at");
