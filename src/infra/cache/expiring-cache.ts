import { LruCache } from './lru-cache.js';

interface Entry<Value> {
  value: Value;
  expiresAt: number;
}

/**
 * A bounded LRU whose entries also expire: change notifications invalidate
 * entries at once, and the TTL bounds staleness wherever a notification
 * cannot arrive (another process on the embedded database).
 */
export class ExpiringCache<Key, Value> {
  private readonly entries: LruCache<Key, Entry<Value>>;

  constructor(
    capacity: number,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.entries = new LruCache(capacity);
  }

  get(key: Key): Value | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: Key, value: Value, ttlMs = this.ttlMs): void {
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
  }

  /** Returns the cached value, or loads, caches and returns it. */
  async getOrLoad(key: Key, load: () => Promise<Value>): Promise<Value> {
    const cached = this.get(key);
    if (cached !== undefined) return cached;
    const value = await load();
    this.set(key, value);
    return value;
  }

  delete(key: Key): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
