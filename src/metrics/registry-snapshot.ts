import { Injectable, Logger } from '@nestjs/common';
import { Caches } from '../infra/cache/caches.js';
import type { ExpiringCache } from '../infra/cache/expiring-cache.js';
import { TenantMigrationsService } from '../tenants/tenant-migrations.service.js';
import type { TenantCount } from '../tenants/tenants.repository.js';
import { TenantsService } from '../tenants/tenants.service.js';

export interface RegistrySnapshot {
  tenants: TenantCount[];
  schemasBehind: number;
}

// Scrapes (several Prometheus replicas, a curl loop) cost the database at most two queries this often.
const SNAPSHOT_TTL_MS = 5_000;
// A scrape during a database outage still answers, with every in-process series, instead of timing out.
const DEADLINE_MS = 2_000;

function withDeadline<T>(work: Promise<T>, milliseconds: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${milliseconds} ms`)), milliseconds);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/** What the tenant registry says at scrape time, read through the tenants module and cached for a few seconds. */
@Injectable()
export class RegistrySnapshots {
  private readonly logger = new Logger(RegistrySnapshots.name);
  private readonly cache: ExpiringCache<'registry', RegistrySnapshot>;

  constructor(
    caches: Caches,
    private readonly tenants: TenantsService,
    private readonly migrations: TenantMigrationsService,
  ) {
    this.cache = caches.create({ name: 'metrics-registry', capacity: 1, ttlMs: SNAPSHOT_TTL_MS, invalidatedBy: {} });
  }

  /** Undefined when the database did not answer in time: those series are left out of this scrape. */
  async current(): Promise<RegistrySnapshot | undefined> {
    try {
      return await withDeadline(
        this.cache.getOrLoad('registry', () => this.load()),
        DEADLINE_MS,
      );
    } catch (error) {
      this.logger.warn(`metrics: the tenant registry did not answer: ${(error as Error).message}`);
      return undefined;
    }
  }

  private async load(): Promise<RegistrySnapshot> {
    const [tenants, behind] = await Promise.all([this.tenants.countByPlacementAndStatus(), this.migrations.schemasBehind()]);
    return { tenants, schemasBehind: behind.length };
  }
}
