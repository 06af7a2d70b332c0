import { consoleAccountId, isConsoleClient, parseConsoleAccountId } from './console-accounts.js';

const OPERATOR = '3f1c2a4e-7d9b-4c21-9a55-0e6f2b8d1c77';
const TENANT = '0b7e9c3d-2a41-4f6e-8d19-5c3a7e2f9b10';

describe('console accounts', () => {
  it('round-trips an operator and a tenant admin through their account ids', () => {
    expect(parseConsoleAccountId(consoleAccountId({ kind: 'operator', operatorId: OPERATOR }))).toEqual({
      kind: 'operator',
      operatorId: OPERATOR,
    });
    const admin = { kind: 'tenant-admin', tenantId: TENANT, userId: OPERATOR } as const;
    expect(parseConsoleAccountId(consoleAccountId(admin))).toEqual(admin);
  });

  it('does not take a tenant user’s plain id, or anything else, for a console account', () => {
    expect(parseConsoleAccountId(OPERATOR)).toBeUndefined();
    expect(parseConsoleAccountId(`operator:${OPERATOR}:x`)).toBeUndefined();
    expect(parseConsoleAccountId(`tenant-admin:${TENANT}`)).toBeUndefined();
  });

  it('knows the console client by its fixed id only', () => {
    expect(isConsoleClient({ clientId: 'tenantry-console' })).toBe(true);
    expect(isConsoleClient({ clientId: 'tenantry-console2' })).toBe(false);
    expect(isConsoleClient(undefined)).toBe(false);
  });
});
