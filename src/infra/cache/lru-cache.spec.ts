import { LruCache } from './lru-cache.js';

describe(LruCache.name, () => {
  it('evicts the least recently read entry past its capacity', () => {
    const evicted: string[] = [];
    const cache = new LruCache<string, number>(2, (_value, key) => evicted.push(key));
    cache.set('a', 1);
    cache.set('b', 2);
    cache.get('a');
    cache.set('c', 3);
    expect(evicted).toEqual(['b']);
    expect(cache.get('a')).toBe(1);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.size).toBe(2);
  });

  it('when every entry was read, the oldest goes; an entry read since then outlives unread ones', () => {
    const evicted: string[] = [];
    const cache = new LruCache<string, number>(3, (_value, key) => evicted.push(key));
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    cache.get('a');
    cache.get('b');
    cache.get('c');
    cache.set('d', 4);
    expect(evicted).toEqual(['a']);
    cache.get('b');
    cache.set('e', 5);
    expect(evicted).toEqual(['a', 'd']);
    expect([...cache.values()].sort()).toEqual([2, 3, 5]);
  });

  it('never evicts the entry just set, even at capacity one', () => {
    const evicted: string[] = [];
    const cache = new LruCache<string, number>(1, (_value, key) => evicted.push(key));
    cache.set('a', 1);
    cache.get('a');
    cache.set('b', 2);
    expect(evicted).toEqual(['a']);
    expect(cache.get('b')).toBe(2);
  });

  it('hands a replaced value to onEvict', () => {
    const evicted: number[] = [];
    const cache = new LruCache<string, number>(5, (value) => evicted.push(value));
    cache.set('a', 1);
    cache.set('a', 2);
    expect(evicted).toEqual([1]);
    expect(cache.get('a')).toBe(2);
  });

  it('releases everything on clear', () => {
    const evicted: number[] = [];
    const cache = new LruCache<string, number>(5, (value) => evicted.push(value));
    cache.set('a', 1);
    cache.set('b', 2);
    cache.clear();
    expect(evicted.sort()).toEqual([1, 2]);
    expect(cache.size).toBe(0);
  });

  it('refuses a capacity below one', () => {
    expect(() => new LruCache(0)).toThrow(RangeError);
  });
});
