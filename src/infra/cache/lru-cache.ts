/**
 * A bounded least-recently-used map. Entries past the bound are evicted, the
 * least recently read first, and handed to onEvict (to release resources).
 */
export class LruCache<Key, Value> {
  private readonly entries = new Map<Key, Value>();

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
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: Key, value: Value): void {
    const previous = this.entries.get(key);
    this.entries.delete(key);
    this.entries.set(key, value);
    if (previous !== undefined && previous !== value) this.onEvict(previous, key);
    while (this.entries.size > this.capacity) {
      const [oldestKey, oldestValue] = this.entries.entries().next().value as [Key, Value];
      this.entries.delete(oldestKey);
      this.onEvict(oldestValue, oldestKey);
    }
  }

  delete(key: Key): void {
    const value = this.entries.get(key);
    if (value === undefined) return;
    this.entries.delete(key);
    this.onEvict(value, key);
  }

  values(): IterableIterator<Value> {
    return this.entries.values();
  }

  clear(): void {
    for (const [key, value] of this.entries) this.onEvict(value, key);
    this.entries.clear();
  }
}
