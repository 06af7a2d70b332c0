/** Who is calling the API, as established from a verified access token. */
export interface Principal {
  tokenId: string;
  clientId: string;
  /** The end user, or the client itself for client credentials (RFC 9068 §2.2). */
  subject: string;
  scopes: ReadonlySet<string>;
  /** Null for platform clients; the tenant the token acts for otherwise. */
  tenantId: string | null;
  tenantSlug: string | null;
  expiresAt: number;
  /** The person's email when the token names one (the console's tokens); for the audit trail. */
  email?: string | null;
  /** RFC 9449: the thumbprint of the key the token is bound to (cnf.jkt); null for a bearer token. */
  jkt: string | null;
  /** Set when the caller authenticated with an API key (clientId is then `apikey:<id>`). */
  apiKey?: { id: string; kind: 'publishable' | 'secret' };
}
