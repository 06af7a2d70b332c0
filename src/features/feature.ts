import type { Principal } from '../auth/principal.js';
import type { FeatureType, FlagValue, Rollout, TargetingRule } from './flag-evaluation.js';

/** Lowercase letters, digits, dots, underscores and hyphens; 1 to 64. Mirrored by a CHECK constraint. */
export const FEATURE_KEY_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export interface Feature {
  key: string;
  description: string;
  type: FeatureType;
  defaultEnabled: boolean;
  /** What tenants get when the flag is off for them (a boolean flag: false). */
  defaultValue: FlagValue;
  createdAt: Date;
}

/** A feature as one tenant sees it. */
export interface TenantFeatureState {
  key: string;
  description: string;
  type: FeatureType;
  enabled: boolean;
  /** The value the flag serves (to users no rule or rollout singles out): on-value when enabled, default when not. */
  value: FlagValue;
  defaultValue: FlagValue;
  /** A typed flag's on-value set for this tenant (null: the default). */
  onValue: FlagValue | null;
  rules: TargetingRule[];
  rollout: Rollout | null;
  /** `tenant`: set for this tenant; `default`: the catalogue default applies. */
  source: 'tenant' | 'default';
  updatedAt: Date | null;
}

/** Who changed a flag: the client, and the user when a person signed in through it. */
export interface FeatureActor {
  clientId: string;
  userId: string | null;
  /** The person's email, when the token carries one (console tokens): the trail stays readable after they are gone. */
  email?: string | null;
}

/** The actor a token's request is logged under. */
export function actorOf(principal: Pick<Principal, 'clientId' | 'subject' | 'email'>): FeatureActor {
  return {
    clientId: principal.clientId,
    userId: principal.subject !== principal.clientId ? principal.subject : null,
    email: principal.email ?? null,
  };
}

/** One entry of a tenant's feature audit trail and change stream. */
export interface FeatureChange {
  /** Increasing per tenant; the change stream's event id. */
  id: string;
  key: string;
  actor: FeatureActor;
  before: FeatureSnapshot | null;
  after: FeatureSnapshot;
  changedAt: Date;
}

/** A tenant's setting of a flag as the audit trail records it. */
export interface FeatureSnapshot {
  enabled: boolean;
  origin: string;
  value?: FlagValue | null;
  rules?: TargetingRule[];
  rollout?: Rollout | null;
}
