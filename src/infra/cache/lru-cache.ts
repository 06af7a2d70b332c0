interface Slot<Value> {
  value: Value;
  /** Read since it was last inserted or passed over by eviction. */
  referenced: boolean;
}

/**
 * A bounded least-recently-used map. Entries past the bound are evicted and
 * handed to onEvict (to release resources).
 *
 * Recency is kept the CLOCK (second-chance) way: a read only marks its entry,
 * and eviction walks from the oldest insertion, moving marked entries to the
 * back with the mark cleared and evicting the first unmarked one. Reads are on
 * every request (several per request, on every cache in front of a token, a
 * client, a tenant and its flags) and no longer reorder the map; an entry read
 * since the last pass is never evicted before one that was not.
 */
export class LruCache<Key, Value> {
  private readonly entries = new Map<Key, Slot<Value>>();

  constructor(
    readonly capacity: number,
    private readonly onEvict: (value: Value, key: Key) => void = () => {},
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: Key): Value | undefined {
    const slot = this.entries.get(key);
    if (slot === undefined) return undefined;
    slot.referenced = true;
    return slot.value;
  }

  set(key: Key, value: Value): void {
    const previous = this.entries.get(key);
    this.entries.delete(key);
    this.entries.set(key, { value, referenced: false });
    if (previous !== undefined && previous.value !== value) this.onEvict(previous.value, key);
    while (this.entries.size > this.capacity) this.evictOne(key);
  }

  delete(key: Key): void {
    const slot = this.entries.get(key);
    if (slot === undefined) return;
    this.entries.delete(key);
    this.onEvict(slot.value, key);
  }

  *values(): IterableIterator<Value> {
    for (const slot of this.entries.values()) yield slot.value;
  }

  clear(): void {
    for (const [key, slot] of this.entries) this.onEvict(slot.value, key);
    this.entries.clear();
  }

  /**
   * Evicts one entry other than `inserted` (the newest, unread as yet). Every
   * marked entry is passed over at most once, so this ends within one lap.
   */
  private evictOne(inserted: Key): void {
    for (const [key, slot] of this.entries) {
      if (key === inserted) continue;
      this.entries.delete(key);
      if (slot.referenced) {
        slot.referenced = false;
        this.entries.set(key, slot);
        continue;
      }
      this.onEvict(slot.value, key);
      return;
    }
  }
}
