import { Injectable } from '@nestjs/common';
import { ExpiringCache } from '../infra/cache/expiring-cache.js';
import { ChangeBus } from '../infra/database/change-bus.service.js';
import { OidcPayloadsRepository } from '../oidc/oidc-payloads.repository.js';
import type { Principal } from './principal.js';

const CAPACITY = 50_000;
// Revocations are announced at once (ChangeBus); the TTL bounds staleness
// where announcements cannot arrive (another process on the embedded database).
const TTL_MS = 10_000;

/**
 * RFC 7009 for JWT access tokens: those issued to users are recorded when
 * issued, and revoking the token, its refresh token's grant, or replaying a
 * code removes the record. A signature alone therefore does not make such a
 * token valid; its record must still exist. Client-credentials tokens are
 * not recorded and live until they expire.
 */
@Injectable()
export class TokenStatusService {
  private readonly live = new ExpiringCache<string, boolean>(CAPACITY, TTL_MS);

  constructor(
    private readonly payloads: OidcPayloadsRepository,
    changes: ChangeBus,
  ) {
    changes.subscribe('access-token', (jti) => this.live.set(jti, false));
    changes.subscribe('grant', () => this.live.clear());
    changes.onResync(() => this.live.clear());
  }

  async isActive(principal: Principal): Promise<boolean> {
    if (principal.subject === principal.clientId) return true;
    return this.live.getOrLoad(principal.tokenId, () => this.payloads.isLive('AccessToken', principal.tokenId));
  }
}
