-- Token buckets shared by every instance (src/infra/rate-limit): a limit
-- holds for the whole deployment, not per process.
CREATE TABLE "rate_limits" (
    "key" TEXT NOT NULL,
    "tokens" DOUBLE PRECISION NOT NULL,
    "allowed" BOOLEAN NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "rate_limits_pkey" PRIMARY KEY ("key")
);

CREATE INDEX "rate_limits_updated_at_idx" ON "rate_limits"("updated_at");
