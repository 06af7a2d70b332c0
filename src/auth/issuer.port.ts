import type { KeyObject } from 'node:crypto';

/**
 * What the API's guard needs from whoever issues its tokens. src/oidc
 * provides these; the guard never reaches into the issuer otherwise.
 */

/** RFC 9068 §2.1 as Tenantry issues it: ES256 JWTs typed at+jwt. */
export const ACCESS_TOKEN_ALGORITHM = 'ES256';

export abstract class VerificationKeys {
  /** The public key a token names in its header, or undefined when the issuer knows no such key. */
  abstract forKid(kid: string): Promise<KeyObject | undefined>;
}

export abstract class TokenLiveness {
  /** Whether a recorded (user) access token has not been revoked; tokens the issuer does not record are live until they expire. */
  abstract isLive(token: { tokenId: string; clientId: string; subject: string }): Promise<boolean> | boolean;
}

export abstract class ClientRegistry {
  /** Whether the client a token was issued to is still registered. */
  abstract isRegistered(clientId: string): Promise<boolean> | boolean;
}
