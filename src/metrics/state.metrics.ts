import type { Pool } from 'pg';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Caches } from '../infra/cache/caches.js';
import { TENANT_PLACEMENTS, TENANT_STATUSES } from '../tenants/tenant.js';
import type { RegistrySnapshot } from './registry-snapshot.js';

export interface StateSources {
  caches: Caches;
  pool: Pool;
  registry: () => Promise<RegistrySnapshot | undefined>;
  featureEventSubscribers: () => number;
}

/**
 * Series read at scrape time (prom-client's collect), so the code they
 * describe does no work for them between scrapes. The caches' counts only
 * grow, so they are exposed as counters set to the current totals.
 */
export function registerStateMetrics(registry: Registry, sources: StateSources): void {
  const { caches, pool } = sources;
  // Collection runs in registration order, up to each collect's first await: the pool is read before
  // this scrape's registry queries take connections, the registry (a cache lookup) before the caches.
  new Gauge({
    name: 'tenantry_database_pool_connections',
    help: 'Connections of the one database pool, by state: in_use (lent to a query or transaction) or idle.',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      this.set({ state: 'in_use' }, pool.totalCount - pool.idleCount);
      this.set({ state: 'idle' }, pool.idleCount);
    },
  });
  new Gauge({
    name: 'tenantry_database_pool_waiting',
    help: 'Queries waiting for a free connection of the database pool.',
    registers: [registry],
    collect() {
      this.set(pool.waitingCount);
    },
  });
  new Gauge({
    name: 'tenantry_database_pool_max_connections',
    help: 'The most connections the database pool opens.',
    registers: [registry],
    collect() {
      this.set(pool.options.max ?? 0);
    },
  });

  new Gauge({
    name: 'tenantry_tenants',
    help: 'Tenants in the registry, by placement and status (the registry is shared: every instance reports the same).',
    labelNames: ['placement', 'status'],
    registers: [registry],
    async collect() {
      const snapshot = await sources.registry();
      this.reset();
      if (!snapshot) return;
      for (const placement of TENANT_PLACEMENTS) for (const status of TENANT_STATUSES) this.set({ placement, status }, 0);
      for (const { placement, status, count } of snapshot.tenants) this.set({ placement, status }, count);
    },
  });
  new Gauge({
    name: 'tenantry_tenant_schemas_behind',
    help: 'Tenant schemas (isolated ones and the pooled one) not yet at the newest tenant migration.',
    registers: [registry],
    async collect() {
      const snapshot = await sources.registry();
      this.reset();
      if (snapshot) this.set(snapshot.schemasBehind);
    },
  });
  new Counter({
    name: 'tenantry_cache_hits_total',
    help: 'Lookups answered from an in-memory cache, by cache.',
    labelNames: ['cache'],
    registers: [registry],
    collect() {
      this.reset();
      for (const cache of caches.statistics()) this.inc({ cache: cache.name }, cache.hits);
    },
  });
  new Counter({
    name: 'tenantry_cache_misses_total',
    help: 'Lookups an in-memory cache could not answer (loaded from the database), by cache.',
    labelNames: ['cache'],
    registers: [registry],
    collect() {
      this.reset();
      for (const cache of caches.statistics()) this.inc({ cache: cache.name }, cache.misses);
    },
  });
  new Gauge({
    name: 'tenantry_cache_entries',
    help: 'Entries held by an in-memory cache, by cache.',
    labelNames: ['cache'],
    registers: [registry],
    collect() {
      this.reset();
      for (const cache of caches.statistics()) this.set({ cache: cache.name }, cache.size);
    },
  });

  new Gauge({
    name: 'tenantry_feature_event_subscribers',
    help: 'Open change-stream subscriptions (Server-Sent Events) on this instance.',
    registers: [registry],
    collect() {
      this.set(sources.featureEventSubscribers());
    },
  });
}
