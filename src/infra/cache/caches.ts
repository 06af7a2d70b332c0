import { Injectable } from '@nestjs/common';
import { ChangeBus, type ChangeTopic } from '../database/change-bus.service.js';
import { ExpiringCache } from './expiring-cache.js';

/** What a change of a topic drops: everything, or the entry a changed key maps to. */
export type Invalidation<Key> = 'all' | 'key' | ((changedKey: string) => Key | undefined);

export interface CacheSpec<Key> {
  /** Names the cache in metrics. */
  name: string;
  capacity: number;
  /** Bounds staleness where a change notification cannot arrive (another process on the embedded database). */
  ttlMs: number;
  /** The change topics this cache follows, on every instance. */
  invalidatedBy: Partial<Record<ChangeTopic, Invalidation<Key>>>;
}

/**
 * The one way to cache a fact that can change on any instance: capacity,
 * expiry, shared loads (see ExpiringCache) and invalidation by change topic
 * (ChangeBus, PostgreSQL LISTEN/NOTIFY) in one place. After the listener
 * reconnects, when notifications may have been missed, every cache is emptied.
 */
@Injectable()
export class Caches {
  private readonly created = new Map<string, ExpiringCache<unknown, unknown>>();

  constructor(private readonly changes: ChangeBus) {}

  create<Key, Value>(spec: CacheSpec<Key>): ExpiringCache<Key, Value> {
    if (this.created.has(spec.name)) throw new Error(`a cache named ${spec.name} exists already`);
    const cache = new ExpiringCache<Key, Value>(spec.capacity, spec.ttlMs);
    for (const [topic, invalidation] of Object.entries(spec.invalidatedBy) as [ChangeTopic, Invalidation<Key>][]) {
      this.changes.subscribe(topic, (changedKey) => {
        if (invalidation === 'all') return cache.clear();
        const key = invalidation === 'key' ? (changedKey as Key) : invalidation(changedKey);
        if (key !== undefined) cache.delete(key);
      });
    }
    this.changes.onResync(() => cache.clear());
    this.created.set(spec.name, cache as ExpiringCache<unknown, unknown>);
    return cache;
  }

  /** Hits and misses per cache, for metrics. */
  statistics(): { name: string; hits: number; misses: number; size: number }[] {
    return [...this.created].map(([name, cache]) => ({ name, ...cache.statistics() }));
  }
}
