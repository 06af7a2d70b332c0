import type { Principal } from './principal.js';

/**
 * What the API's guard needs from whoever issues API keys (src/api-keys
 * provides it), the way issuer.port.ts names what it needs from the token
 * issuer. The guard never reaches into the key store otherwise.
 */

export type ApiKeyKind = 'publishable' | 'secret';

/** Recognisable by secret scanners: `tpk_` (publishable) and `tsk_` (secret). */
export const API_KEY_PREFIXES: Readonly<Record<ApiKeyKind, string>> = { publishable: 'tpk_', secret: 'tsk_' };

/** OFREP's header for an API key; `Authorization: Bearer <key>` works too. */
export const API_KEY_HEADER = 'x-api-key';

const BEARER_API_KEY = /^Bearer (t[ps]k_[A-Za-z0-9]+)$/i;

/** The facts of a request a key's restrictions are checked against. */
export interface ApiKeyRequest {
  /** The Origin header (browsers send it on cross-origin calls). */
  origin: string | undefined;
  /** The client address, as the app's trust-proxy setting derives it. */
  ip: string;
}

export abstract class ApiKeyAuthenticator {
  /**
   * The principal a presented key acts as, or an AuthError: an unknown,
   * malformed, revoked or expired key, or one used from an origin or
   * address it is not restricted to. Synchronous when the key is cached.
   */
  abstract authenticate(key: string, request: ApiKeyRequest): Principal | Promise<Principal>;

  /** Spends one request of the key's rate limit (publishable keys); an AuthError when it is exhausted. */
  abstract admit(principal: Principal): void | Promise<void>;

  /** Whether the key a principal it returned acts as is still good (not revoked, not expired): for streams that outlive their request. */
  abstract isActive(principal: Principal): boolean | Promise<boolean>;
}

/** The origins of live publishable keys, which CORS answers as it answers clients' web origins. */
export abstract class PublishableKeyOrigins {
  abstract isRegistered(origin: string): boolean | Promise<boolean>;
}

/**
 * The API key a request presents: `X-API-Key`, or a key (by its prefix) in
 * `Authorization: Bearer`. `ambiguous` when both carry something: a request
 * authenticates with one credential.
 */
export function presentedApiKey(headers: Record<string, string | string[] | undefined>): string | 'ambiguous' | undefined {
  const header = headers[API_KEY_HEADER];
  const authorization = headers.authorization;
  if (header !== undefined) {
    if (authorization !== undefined || typeof header !== 'string') return 'ambiguous';
    return header.trim();
  }
  if (typeof authorization !== 'string') return undefined;
  return BEARER_API_KEY.exec(authorization)?.[1];
}
