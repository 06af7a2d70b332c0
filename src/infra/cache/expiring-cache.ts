import { LruCache } from './lru-cache.js';

interface Entry<Value> {
  value: Value;
  expiresAt: number;
}

export interface LoadOptions<Value> {
  /** TTL for this value (e.g. shorter for a negative result). */
  ttlMs?: (value: Value) => number;
  /** Whether to keep this value at all. */
  cacheIf?: (value: Value) => boolean;
}

/**
 * A bounded LRU whose entries also expire: change notifications invalidate
 * entries at once, and the TTL bounds staleness wherever a notification
 * cannot arrive (another process on the embedded database).
 *
 * A load that overlaps an invalidation is returned but not kept: it may have
 * read the database before the change committed.
 *
 * Concurrent misses of one key share one load: when a hot entry expires under
 * load, every request in flight would otherwise send its own query (50
 * connections reading one tenant sent 50 identical queries per expiry). A
 * caller arriving after an invalidation does not join a load that started
 * before it.
 */
export class ExpiringCache<Key, Value> {
  private readonly entries: LruCache<Key, Entry<Value>>;
  private readonly loading = new Map<Key, Promise<Value>>();
  private generation = 0;
  private hits = 0;
  private misses = 0;

  constructor(
    capacity: number,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.entries = new LruCache(capacity);
  }

  get(key: Key): Value | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt > this.now()) {
      this.hits += 1;
      return entry.value;
    }
    this.misses += 1;
    if (entry) this.entries.delete(key);
    return undefined;
  }

  statistics(): { hits: number; misses: number; size: number } {
    return { hits: this.hits, misses: this.misses, size: this.entries.size };
  }

  set(key: Key, value: Value, ttlMs = this.ttlMs): void {
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
  }

  /** Returns the cached value, or loads, caches and returns it. */
  async getOrLoad(key: Key, load: () => Promise<Value>, options: LoadOptions<Value> = {}): Promise<Value> {
    const cached = this.get(key);
    if (cached !== undefined) return cached;
    const pending = this.loading.get(key);
    if (pending) return pending;
    const loading = this.loadAndKeep(key, load, options, this.generation);
    this.loading.set(key, loading);
    const settled = (): void => {
      if (this.loading.get(key) === loading) this.loading.delete(key);
    };
    loading.then(settled, settled);
    return loading;
  }

  delete(key: Key): void {
    this.generation += 1;
    this.entries.delete(key);
    this.loading.delete(key);
  }

  clear(): void {
    this.generation += 1;
    this.entries.clear();
    this.loading.clear();
  }

  private async loadAndKeep(key: Key, load: () => Promise<Value>, options: LoadOptions<Value>, generation: number): Promise<Value> {
    const value = await load();
    if (generation === this.generation && (options.cacheIf?.(value) ?? true)) this.set(key, value, options.ttlMs?.(value));
    return value;
  }
}
