/** The person a console session is for, as the sign-in established it. */
export interface ConsolePerson {
  /** The token's subject (the audit trail's user id). */
  subject: string;
  email: string;
  kind: 'operator' | 'tenant-admin';
  /** viewer | editor | admin for operators; admin for tenant admins. */
  role: string;
  /** The tenant a tenant admin's token is bound to; null for operators. */
  tenantSlug: string | null;
  /** The API scopes the person's token carries: what the pages offer. */
  scopes: string[];
}

export interface ConsoleTokens {
  accessToken: string;
  refreshToken?: string;
  idToken?: string;
}

export interface ConsoleSession {
  /** The hash of the cookie value (the cookie value itself is never stored). */
  id: string;
  csrfToken: string;
  person: ConsolePerson;
  tokens: ConsoleTokens;
  accessExpiresAt: Date;
  expiresAt: Date;
}

export function may(session: ConsoleSession, scope: string): boolean {
  return session.person.scopes.includes(scope);
}
