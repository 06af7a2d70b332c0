/** The console's fixed client id. */
export const CONSOLE_CLIENT_ID = 'tenantry-console';

/**
 * Who signs in to the console: an operator (control plane), or the admin of
 * one tenant. Their account ids say which, so the provider can find them
 * again for tokens, refreshes and userinfo.
 */
export type ConsoleAccount = { kind: 'operator'; operatorId: string } | { kind: 'tenant-admin'; tenantId: string; userId: string };

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const OPERATOR_ID = new RegExp(`^operator:(${UUID})$`);
const TENANT_ADMIN_ID = new RegExp(`^tenant-admin:(${UUID}):(${UUID})$`);

export function consoleAccountId(account: ConsoleAccount): string {
  return account.kind === 'operator' ? `operator:${account.operatorId}` : `tenant-admin:${account.tenantId}:${account.userId}`;
}

export function parseConsoleAccountId(accountId: string): ConsoleAccount | undefined {
  const operator = OPERATOR_ID.exec(accountId);
  if (operator) return { kind: 'operator', operatorId: operator[1]! };
  const admin = TENANT_ADMIN_ID.exec(accountId);
  return admin ? { kind: 'tenant-admin', tenantId: admin[1]!, userId: admin[2]! } : undefined;
}

export function isConsoleClient(client: unknown): boolean {
  return (client as { clientId?: unknown } | undefined)?.clientId === CONSOLE_CLIENT_ID;
}
