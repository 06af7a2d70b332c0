import { ExpiringCache } from './expiring-cache.js';

describe(ExpiringCache.name, () => {
  it('serves an entry until its TTL passes', () => {
    let now = 1_000;
    const cache = new ExpiringCache<string, number>(10, 500, () => now);
    cache.set('a', 1);
    now += 499;
    expect(cache.get('a')).toBe(1);
    now += 1;
    expect(cache.get('a')).toBeUndefined();
  });

  it('loads once and then serves from memory', async () => {
    const cache = new ExpiringCache<string, string>(10, 60_000);
    let loads = 0;
    const load = async () => `value ${++loads}`;
    expect(await cache.getOrLoad('k', load)).toBe('value 1');
    expect(await cache.getOrLoad('k', load)).toBe('value 1');
    cache.delete('k');
    expect(await cache.getOrLoad('k', load)).toBe('value 2');
  });

  it('honours a per-entry TTL', () => {
    let now = 0;
    const cache = new ExpiringCache<string, number>(10, 10_000, () => now);
    cache.set('short', 1, 10);
    now = 11;
    expect(cache.get('short')).toBeUndefined();
  });

  it('stays within its capacity', () => {
    const cache = new ExpiringCache<number, number>(2, 60_000);
    cache.set(1, 1);
    cache.set(2, 2);
    cache.set(3, 3);
    expect(cache.get(1)).toBeUndefined();
    expect(cache.get(3)).toBe(3);
  });
});
