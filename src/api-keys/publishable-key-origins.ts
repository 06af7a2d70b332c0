import { Injectable } from '@nestjs/common';
import { PublishableKeyOrigins } from '../auth/api-key.port.js';
import { Caches } from '../infra/cache/caches.js';
import { API_KEY_CHANGED } from './api-key.js';
import { ApiKeysRepository } from './api-keys.repository.js';

const ALL = 'all';
const TTL_MS = 10_000;

/** The origins of live publishable keys, each until its last key expires: CORS answers them (src/oidc/web-origins.service.ts). */
@Injectable()
export class PublishableKeyOriginsService extends PublishableKeyOrigins {
  private readonly origins;

  constructor(
    private readonly repository: ApiKeysRepository,
    caches: Caches,
  ) {
    super();
    this.origins = caches.create<string, ReadonlyMap<string, number>>({
      name: 'publishable-key-origins',
      capacity: 1,
      ttlMs: TTL_MS,
      invalidatedBy: { [API_KEY_CHANGED]: 'all' },
    });
  }

  isRegistered(origin: string): boolean | Promise<boolean> {
    const known = this.origins.get(ALL);
    if (known) return this.live(known, origin);
    return this.origins.getOrLoad(ALL, () => this.load()).then((loaded) => this.live(loaded, origin));
  }

  private live(origins: ReadonlyMap<string, number>, origin: string): boolean {
    const until = origins.get(origin);
    return until !== undefined && until > Date.now();
  }

  private async load(): Promise<ReadonlyMap<string, number>> {
    const rows = await this.repository.liveOrigins();
    return new Map(rows.map((row) => [row.origin, row.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY]));
  }
}
