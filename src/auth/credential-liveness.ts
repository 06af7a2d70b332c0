import { Injectable, Optional } from '@nestjs/common';
import { ApiKeyAuthenticator } from './api-key.port.js';
import { ClientRegistry, TokenLiveness } from './issuer.port.js';
import type { Principal } from './principal.js';

/**
 * For answers that outlive the request that authorized them (an event
 * stream): whether the credential they were opened with still holds. The
 * guard checks the same facts on every request; a stream asks again while it
 * runs, so revoking a token or a key, or deleting a client, ends it too.
 */
@Injectable()
export class CredentialLiveness {
  constructor(
    private readonly tokens: TokenLiveness,
    private readonly clients: ClientRegistry,
    // Absent where no module issues API keys: no key principal can exist then.
    @Optional() private readonly apiKeys?: ApiKeyAuthenticator,
  ) {}

  /**
   * When the credential stops by itself, in seconds since the epoch: a
   * token's expiry. An API key's principal names how long its stream ticket
   * holds, not the key's own end, so a key has none here; `holds` checks it.
   */
  expiresAt(principal: Principal): number {
    return principal.apiKey ? Number.POSITIVE_INFINITY : principal.expiresAt;
  }

  /** A token not revoked, from a client still registered; an API key not revoked and not expired. */
  holds(principal: Principal): boolean | Promise<boolean> {
    if (principal.apiKey) return this.apiKeys?.isActive(principal) ?? false;
    const live = this.tokens.isLive(principal);
    const registered = this.clients.isRegistered(principal.clientId);
    if (typeof live === 'boolean' && typeof registered === 'boolean') return live && registered;
    return Promise.all([live, registered]).then(([isLive, isRegistered]) => isLive && isRegistered);
  }
}
