import type { OperatorRole } from '../auth/console-roles.js';

/** A person of the company running Tenantry, without the password hash. */
export interface Operator {
  id: string;
  email: string;
  role: OperatorRole;
  disabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}
