export const GRANT_TYPES = [
  'authorization_code',
  'client_credentials',
  'refresh_token',
  'urn:ietf:params:oauth:grant-type:device_code',
] as const;
export type GrantType = (typeof GRANT_TYPES)[number];

/** A registered OAuth client, without its secret. */
export interface RegisteredClient {
  clientId: string;
  name: string;
  /** Null for platform clients. */
  tenantId: string | null;
  tenantSlug: string | null;
  confidential: boolean;
  grantTypes: GrantType[];
  scopes: string[];
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  /** Browser origins allowed to call Tenantry for this client (CORS). */
  webOrigins: string[];
  createdAt: Date;
}
