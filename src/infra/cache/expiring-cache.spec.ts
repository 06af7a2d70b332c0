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

  it('does not keep a value loaded while an invalidation happened (it may predate the change)', async () => {
    const cache = new ExpiringCache<string, string>(10, 60_000);
    let release: (value: string) => void = () => undefined;
    const loading = cache.getOrLoad('k', () => new Promise<string>((resolve) => (release = resolve)));
    cache.delete('k');
    release('stale');
    expect(await loading).toBe('stale');
    expect(cache.get('k')).toBeUndefined();
  });

  it('shares one load among concurrent misses of a key', async () => {
    const cache = new ExpiringCache<string, string>(10, 60_000);
    let loads = 0;
    let release: (value: string) => void = () => undefined;
    const load = () => {
      loads += 1;
      return new Promise<string>((resolve) => (release = resolve));
    };
    const callers = [cache.getOrLoad('k', load), cache.getOrLoad('k', load), cache.getOrLoad('k', load)];
    release('v');
    await expect(Promise.all(callers)).resolves.toEqual(['v', 'v', 'v']);
    expect(loads).toBe(1);
    expect(await cache.getOrLoad('k', load)).toBe('v');
    expect(loads).toBe(1);
  });

  it('does not let a caller after an invalidation join the load that started before it', async () => {
    const cache = new ExpiringCache<string, string>(10, 60_000);
    const releases: Array<(value: string) => void> = [];
    const load = () => new Promise<string>((resolve) => releases.push(resolve));
    const before = cache.getOrLoad('k', load);
    cache.delete('k');
    const after = cache.getOrLoad('k', load);
    expect(releases).toHaveLength(2);
    releases[0]!('old');
    releases[1]!('new');
    expect(await before).toBe('old');
    expect(await after).toBe('new');
    expect(cache.get('k')).toBe('new');
  });

  it('after a failed load, the next caller loads again', async () => {
    const cache = new ExpiringCache<string, string>(10, 60_000);
    await expect(cache.getOrLoad('k', () => Promise.reject(new Error('database down')))).rejects.toThrow('database down');
    await expect(cache.getOrLoad('k', async () => 'v')).resolves.toBe('v');
  });

  it('keeps only what cacheIf accepts, for as long as ttlMs says', async () => {
    let now = 0;
    const cache = new ExpiringCache<string, string | null>(10, 60_000, () => now);
    await cache.getOrLoad('miss', async () => null, { cacheIf: (value) => value !== null });
    expect(cache.get('miss')).toBeUndefined();
    await cache.getOrLoad('hit', async () => 'v', { ttlMs: () => 5 });
    now = 6;
    expect(cache.get('hit')).toBeUndefined();
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
