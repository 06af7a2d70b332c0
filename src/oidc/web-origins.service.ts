import { Injectable, Optional } from '@nestjs/common';
import { PublishableKeyOrigins } from '../auth/api-key.port.js';
import { Caches } from '../infra/cache/caches.js';
import { ClientsRepository } from './clients.repository.js';
import { CLIENT_CHANGED } from './clients.service.js';

const ALL = 'all';
const TTL_MS = 10_000;

/**
 * The browser origins clients registered (webOrigins), as one set: what a
 * CORS preflight, which carries no token, is answered against. Dropped on
 * every instance when any client changes. The origins of live publishable
 * API keys count too, asked through their port (the key store is not ours).
 */
@Injectable()
export class WebOriginsService {
  private readonly origins;

  constructor(
    private readonly repository: ClientsRepository,
    caches: Caches,
    @Optional() private readonly keyOrigins?: PublishableKeyOrigins,
  ) {
    this.origins = caches.create<string, ReadonlySet<string>>({
      name: 'client-web-origins',
      capacity: 1,
      ttlMs: TTL_MS,
      invalidatedBy: { [CLIENT_CHANGED]: 'all' },
    });
  }

  isRegistered(origin: string): boolean | Promise<boolean> {
    const byClients = this.registeredByClients(origin);
    const keys = this.keyOrigins;
    if (byClients === true || !keys) return byClients;
    if (byClients === false) return keys.isRegistered(origin);
    return byClients.then((yes) => yes || keys.isRegistered(origin));
  }

  private registeredByClients(origin: string): boolean | Promise<boolean> {
    const known = this.origins.get(ALL);
    if (known) return known.has(origin);
    return this.origins.getOrLoad(ALL, async () => new Set(await this.repository.allWebOrigins())).then((loaded) => loaded.has(origin));
  }
}
