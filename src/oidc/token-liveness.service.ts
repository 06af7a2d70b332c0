import { Injectable } from '@nestjs/common';
import { TokenLiveness } from '../auth/issuer.port.js';
import { Caches } from '../infra/cache/caches.js';
import { OidcPayloadsRepository } from './oidc-payloads.repository.js';

/** Change topics of revocations: one access token (key: its jti), or every token of a grant (key: the grant id). */
export const ACCESS_TOKEN_REVOKED = 'access-token';
export const GRANT_REVOKED = 'grant';

const CAPACITY = 50_000;
// Revocations are announced at once (ChangeBus); the TTL bounds staleness
// where announcements cannot arrive (another process on the embedded database).
const TTL_MS = 10_000;

/**
 * RFC 7009 for JWT access tokens: those issued to users are recorded when
 * issued (see recordUserAccessTokens), and revoking the token, its refresh
 * token's grant, or replaying a code removes the record. A signature alone
 * therefore does not make such a token valid; its record must still exist.
 * Client-credentials tokens are not recorded and live until they expire.
 */
@Injectable()
export class TokenLivenessService implements TokenLiveness {
  private readonly live;

  constructor(
    private readonly payloads: OidcPayloadsRepository,
    caches: Caches,
  ) {
    // A revoked grant names no jti: every cached answer may be one of its tokens.
    this.live = caches.create<string, boolean>({
      name: 'token-liveness',
      capacity: CAPACITY,
      ttlMs: TTL_MS,
      invalidatedBy: { [ACCESS_TOKEN_REVOKED]: 'key', [GRANT_REVOKED]: 'all' },
    });
  }

  isLive(token: { tokenId: string; clientId: string; subject: string }): Promise<boolean> | boolean {
    if (token.subject === token.clientId) return true;
    return this.live.get(token.tokenId) ?? this.live.getOrLoad(token.tokenId, () => this.payloads.isLive('AccessToken', token.tokenId));
  }
}
