import type { TenantUserRole } from '../auth/console-roles.js';

/** A tenant's user, without the password hash. */
export interface User {
  id: string;
  tenantId: string;
  email: string;
  name: string;
  emailVerified: boolean;
  /** `admin`: may sign in to the console for its tenant. */
  role: TenantUserRole;
  /** A disabled user cannot sign in. */
  disabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

// Deliberately loose (RFC 5322 is not a regex): one @, something on each side, a dot in the domain.
export const EMAIL_PATTERN = /^[^\s@]{1,64}@[^\s@]{1,253}\.[^\s@]{1,63}$/;
