import type { BlockList } from 'node:net';
import { Injectable } from '@nestjs/common';
import { ApiKeyAuthenticator, type ApiKeyRequest } from '../auth/api-key.port.js';
import { AuthError } from '../auth/auth.errors.js';
import type { Principal } from '../auth/principal.js';
import { Caches } from '../infra/cache/caches.js';
import { hashClientSecret } from '../oidc/client-secret.js';
import { TenantsService } from '../tenants/tenants.service.js';
import { apiKeyKind } from './api-key-format.js';
import { addressAllowed, addressRanges } from './api-key-restrictions.js';
import { API_KEY_CHANGED, apiKeyActor, type ApiKey } from './api-key.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import { PublishableKeyRateLimiter } from './publishable-key-rate-limiter.js';

// Revocation reaches every instance at once through the change bus; the TTL
// bounds staleness where notifications cannot arrive (another process on the
// embedded database). Unknown keys are remembered briefly: a key created
// since is announced on the same topic, which drops them.
const CACHE_CAPACITY = 10_000;
const CACHE_TTL_MS = 10_000;
const UNKNOWN_TTL_MS = 2_000;
/** How long the change-stream ticket of a bulk evaluation made with a key holds (at most; never past the key's expiry). */
const STREAM_TICKET_SECONDS = 3_600;

/** A live key, as checked on every request that presents it. */
interface VerifiedKey {
  key: ApiKey;
  principal: Principal;
  origins: ReadonlySet<string>;
  addresses: BlockList | null;
}

function invalid(detail: string): AuthError {
  return new AuthError('API_KEY_INVALID', detail);
}

/**
 * Turns a presented API key into the principal it acts as. Keys are looked up
 * by their hash (the one the store keeps), through the shared cache: a
 * request with a known key costs a hash and a map lookup. A malformed key
 * (its checksum does not match) is refused before any lookup.
 */
@Injectable()
export class ApiKeyAuthenticatorService extends ApiKeyAuthenticator {
  private readonly verified;
  private readonly rates = new WeakMap<Principal, number>();
  /** The hash each principal's key is cached by, so a later check reads the same cache entry. */
  private readonly hashes = new WeakMap<Principal, string>();

  constructor(
    private readonly repository: ApiKeysRepository,
    private readonly tenants: TenantsService,
    private readonly limiter: PublishableKeyRateLimiter,
    caches: Caches,
  ) {
    super();
    this.verified = caches.create<string, VerifiedKey | null>({
      name: 'api-keys',
      capacity: CACHE_CAPACITY,
      ttlMs: CACHE_TTL_MS,
      invalidatedBy: { [API_KEY_CHANGED]: 'all' },
    });
  }

  authenticate(key: string, request: ApiKeyRequest): Principal | Promise<Principal> {
    if (apiKeyKind(key) === undefined) throw invalid('This is not a Tenantry API key (its format or checksum is wrong).');
    const keyHash = hashClientSecret(key);
    const cached = this.verified.get(keyHash);
    if (cached !== undefined) return this.check(cached, request);
    return this.loadCached(keyHash).then((loaded) => this.check(loaded, request));
  }

  private loadCached(keyHash: string): Promise<VerifiedKey | null> {
    return this.verified.getOrLoad(keyHash, () => this.load(keyHash), { ttlMs: (loaded) => (loaded ? CACHE_TTL_MS : UNKNOWN_TTL_MS) });
  }

  isActive(principal: Principal): boolean | Promise<boolean> {
    const keyHash = this.hashes.get(principal);
    if (keyHash === undefined) return false;
    const active = (verified: VerifiedKey | null): boolean =>
      verified !== null &&
      verified.key.id === principal.apiKey?.id &&
      (verified.key.expiresAt === null || verified.key.expiresAt.getTime() > Date.now());
    const cached = this.verified.get(keyHash);
    if (cached !== undefined) return active(cached);
    return this.loadCached(keyHash).then(active);
  }

  admit(principal: Principal): void | Promise<void> {
    const perMinute = this.rates.get(principal);
    if (perMinute === undefined || !principal.apiKey) return;
    return this.limiter.admit(principal.apiKey.id, perMinute);
  }

  private check(verified: VerifiedKey | null, request: ApiKeyRequest): Principal {
    if (!verified) throw invalid('Unknown or revoked API key.');
    const { key } = verified;
    if (key.expiresAt !== null && key.expiresAt.getTime() <= Date.now()) throw invalid('This API key has expired.');
    if (key.kind === 'publishable') {
      if (request.origin === undefined)
        throw new AuthError('API_KEY_ORIGIN_REFUSED', 'A publishable key is used from a browser page: the request has no Origin.');
      if (!verified.origins.has(request.origin))
        throw new AuthError('API_KEY_ORIGIN_REFUSED', 'This publishable key is not registered for the request’s Origin.');
    } else if (verified.addresses && !addressAllowed(verified.addresses, request.ip)) {
      throw new AuthError('API_KEY_ADDRESS_REFUSED', 'This secret key may not be used from this address.');
    }
    return verified.principal;
  }

  private async load(keyHash: string): Promise<VerifiedKey | null> {
    const key = await this.repository.findByHash(keyHash);
    if (!key || key.revokedAt !== null) return null;
    const tenant = await this.tenants.findById(key.tenantId);
    if (!tenant) return null;
    const actor = apiKeyActor(key.id);
    const ticketExpiry = Math.floor(Date.now() / 1000) + STREAM_TICKET_SECONDS;
    const principal: Principal = {
      tokenId: key.id,
      clientId: actor,
      subject: actor,
      // A publishable key reads flags, on the routes that allow it; a secret key holds what it was given.
      scopes: new Set(key.kind === 'publishable' ? ['features:read'] : key.scopes),
      tenantId: tenant.id,
      tenantSlug: tenant.slug,
      expiresAt: key.expiresAt ? Math.min(ticketExpiry, Math.floor(key.expiresAt.getTime() / 1000)) : ticketExpiry,
      jkt: null,
      apiKey: { id: key.id, kind: key.kind },
    };
    if (key.rateLimitPerMinute !== null) this.rates.set(principal, key.rateLimitPerMinute);
    this.hashes.set(principal, keyHash);
    return { key, principal, origins: new Set(key.origins), addresses: addressRanges(key.ipRanges) };
  }
}
