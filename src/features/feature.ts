/** Lowercase letters, digits, dots, underscores and hyphens; 1 to 64. Mirrored by a CHECK constraint. */
export const FEATURE_KEY_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export interface Feature {
  key: string;
  description: string;
  defaultEnabled: boolean;
  createdAt: Date;
}

/** A feature as one tenant sees it. */
export interface TenantFeatureState {
  key: string;
  description: string;
  enabled: boolean;
  /** `tenant`: set for this tenant; `default`: the catalogue default applies. */
  source: 'tenant' | 'default';
  updatedAt: Date | null;
}

/** Who changed a flag: the client, and the user when a person signed in through it. */
export interface FeatureActor {
  clientId: string;
  userId: string | null;
}

/** One entry of a tenant's feature audit trail and change stream. */
export interface FeatureChange {
  /** Increasing per tenant; the change stream's event id. */
  id: string;
  key: string;
  actor: FeatureActor;
  before: { enabled: boolean; origin: string } | null;
  after: { enabled: boolean; origin: string };
  changedAt: Date;
}
