-- Tenant admins and disabled users: a user's role in its tenant (`admin` may
-- sign in to the console for its tenant), and a switch that stops a user from
-- signing in without deleting it. The audit trail records the email of the
-- person who made a change (a console user), so it stays readable after the
-- person is gone.
ALTER TABLE "users" ADD COLUMN "role" TEXT NOT NULL DEFAULT 'member';
ALTER TABLE "users" ADD COLUMN "disabled" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "users" ADD CONSTRAINT "users_role_check" CHECK ("role" IN ('member', 'admin'));
ALTER TABLE "feature_changes" ADD COLUMN "actor_email" TEXT;
