import type { Principal } from '../auth/principal.js';
import type { Condition } from './conditions.js';
import type { FeatureType, FlagMetadata, FlagValue, Rollout, TargetingRule, Variants } from './flag-evaluation.js';

/** Lowercase letters, digits, dots, underscores and hyphens; 1 to 64. Mirrored by a CHECK constraint. */
export const FEATURE_KEY_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
/** Variant names (and segment keys): letters, digits, dots, underscores and hyphens; 1 to 64. */
export const VARIANT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface Feature {
  key: string;
  description: string;
  type: FeatureType;
  /** On or off for tenants that have not set it. */
  defaultEnabled: boolean;
  variants: Variants;
  /** Served when on (unless a tenant chooses another). */
  defaultVariant: string;
  /** Served when off. */
  offVariant: string;
  metadata: FlagMetadata;
  /** The off variant's value (kept from before variants: what tenants get when the flag is off). */
  defaultValue: FlagValue;
  createdAt: Date;
}

/** A feature as one tenant sees it. */
export interface TenantFeatureState {
  key: string;
  description: string;
  type: FeatureType;
  enabled: boolean;
  /** The variant served to users no rule or rollout singles out: the served variant when on, the off variant when off. */
  variant: string;
  /** That variant's value. */
  value: FlagValue;
  /** Variant served when on (the tenant's choice or the catalogue's default variant). */
  onVariant: string;
  offVariant: string;
  defaultVariant: string;
  /** The catalogue's variants and the tenant's own (tenantVariants), together. */
  variants: Variants;
  tenantVariants: Variants;
  defaultValue: FlagValue;
  rules: TargetingRule[];
  rollout: Rollout | null;
  /** The catalogue's metadata with the tenant's merged over it. */
  metadata: FlagMetadata;
  tenantMetadata: FlagMetadata;
  /** `tenant`: set for this tenant; `default`: the catalogue default applies. */
  source: 'tenant' | 'default';
  updatedAt: Date | null;
}

/** A reusable condition of one tenant that rules refer to by key. */
export interface Segment {
  key: string;
  description: string;
  when: Condition;
  updatedAt: Date;
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

/** One entry of a tenant's feature audit trail and change stream: a flag's setting or a segment. */
export interface FeatureChange {
  /** Increasing per tenant; the change stream's event id. */
  id: string;
  kind: 'feature' | 'segment';
  key: string;
  actor: FeatureActor;
  before: FeatureSnapshot | SegmentSnapshot | null;
  /** Null: the segment was deleted. */
  after: FeatureSnapshot | SegmentSnapshot | null;
  changedAt: Date;
}

/** A tenant's setting of a flag as the audit trail records it (targeting fields only when set). */
export interface FeatureSnapshot {
  enabled: boolean;
  origin: string;
  variant?: string | null;
  variants?: Variants;
  rules?: TargetingRule[];
  rollout?: Rollout | null;
  metadata?: FlagMetadata;
}

export interface SegmentSnapshot {
  description: string;
  when: Condition;
}
