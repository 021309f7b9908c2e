import type { RedisClient as Redis } from '@tonearm/cache';
import { Cache, createRedis, whenReady } from '@tonearm/cache';
import { loadServicesEnv } from '@tonearm/config';
import { uid } from '@tonearm/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let redis: Redis;
let cache: Cache;

beforeAll(async () => {
  loadServicesEnv();
  redis = createRedis({ keyPrefix: `t${uid(4)}:`, commandTimeout: 2_000 });
  cache = new Cache(redis);
  await whenReady(redis);
});
afterAll(() => redis.disconnect());

describe('cache-aside', () => {
  it('loads on a miss and serves the second read from Redis', async () => {
    let loads = 0;
    const load = async () => ({ n: ++loads });
    expect(await cache.getOrLoad('ns', 'a', load)).toEqual({ n: 1 });
    expect(await cache.getOrLoad('ns', 'a', load)).toEqual({ n: 1 });
    expect(loads).toBe(1);
  });

  it('returns new data after invalidation', async () => {
    let value = 'old';
    const load = async () => value;
    expect(await cache.getOrLoad('ns', 'b', load)).toBe('old');
    value = 'new';
    await cache.invalidate('ns', 'b');
    expect(await cache.getOrLoad('ns', 'b', load)).toBe('new');
  });

  it('runs one load for 200 concurrent misses on one key', async () => {
    let loads = 0;
    const load = async () => {
      loads++;
      await new Promise((r) => setTimeout(r, 20));
      return 'v';
    };
    const results = await Promise.all(Array.from({ length: 200 }, () => cache.getOrLoad('ns', 'c', load)));
    expect(results.every((r) => r === 'v')).toBe(true);
    expect(loads).toBe(1);
  });

  it('coalesces misses across two cache instances (two processes) with the fill lock', async () => {
    const other = new Cache(redis);
    let loads = 0;
    const load = async () => {
      loads++;
      await new Promise((r) => setTimeout(r, 30));
      return 'shared';
    };
    const [a, b] = await Promise.all([cache.getOrLoad('ns', 'd', load), other.getOrLoad('ns', 'd', load)]);
    expect([a, b]).toEqual(['shared', 'shared']);
    expect(loads).toBe(1);
  });

  it('never stores a value loaded before a concurrent invalidation', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = cache.getOrLoad('ns', 'e', async () => {
      await gate;
      return 'stale';
    });
    await new Promise((r) => setTimeout(r, 10));
    await cache.invalidate('ns', 'e');
    release();
    expect(await slow).toBe('stale');
    expect(await cache.getOrLoad('ns', 'e', async () => 'fresh')).toBe('fresh');
  });

  it('drops tagged list entries when the tag is invalidated', async () => {
    await cache.getOrLoad('list', 'p1', async () => [1], { tags: ['songs'] });
    await cache.getOrLoad('list', 'p2', async () => [2], { tags: ['songs'] });
    await cache.invalidateTags('songs');
    expect(await cache.getOrLoad('list', 'p1', async () => [10], { tags: ['songs'] })).toEqual([10]);
    expect(await cache.getOrLoad('list', 'p2', async () => [20], { tags: ['songs'] })).toEqual([20]);
  });

  it('leaves stale an entry whose tag was invalidated while it loaded', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = cache.getOrLoad(
      'list',
      'race',
      async () => {
        await gate;
        return 'stale';
      },
      { tags: ['race-tag'] },
    );
    await new Promise((r) => setTimeout(r, 10));
    await cache.invalidateTags('race-tag');
    release();
    expect(await slow).toBe('stale');
    expect(await cache.getOrLoad('list', 'race', async () => 'fresh', { tags: ['race-tag'] })).toBe('fresh');
  });

  it('invalidates a tag without touching the entries under it (no per-entry work)', async () => {
    const ids = Array.from({ length: 2_000 }, (_, i) => `bulk${i}`);
    await Promise.all(ids.map((id) => cache.getOrLoad('bulk', id, async () => id, { tags: ['bulk-tag'] })));
    const gen = Number((await redis.get(cache.tagKey('bulk-tag'))) ?? 0);
    const sample = ids.filter((_, i) => i % 40 === 0);
    const ttls = await Promise.all(sample.map((id) => redis.ttl(cache.key('bulk', id))));
    await cache.invalidateTags('bulk-tag');
    // One counter moved by one; every entry is still stored as it was (it goes with its TTL), and no
    // member set of the tag exists to be walked.
    expect(Number(await redis.get(cache.tagKey('bulk-tag')))).toBe(gen + 1);
    const after = await Promise.all(sample.map((id) => redis.ttl(cache.key('bulk', id))));
    for (const [i, t] of after.entries()) expect(t).toBeGreaterThanOrEqual(ttls[i]! - 2);
    expect(await redis.exists(`${cache.prefix}:tag:bulk-tag`)).toBe(0);
    // ...and every one of them is a miss now.
    let loads = 0;
    for (const id of sample)
      await cache.getOrLoad(
        'bulk',
        id,
        async () => {
          loads++;
          return id;
        },
        { tags: ['bulk-tag'] },
      );
    expect(loads).toBe(sample.length);
  });

  it('falls back to the loader when Redis is unreachable', async () => {
    const dead = createRedis(
      { retryStrategy: () => null, connectTimeout: 200 },
      { url: 'redis://127.0.0.1:1' },
    );
    dead.on('error', () => {});
    const offline = new Cache(dead);
    expect(await offline.getOrLoad('ns', 'f', async () => 'from-db')).toBe('from-db');
    await offline.invalidate('ns', 'f');
    dead.disconnect();
  });
});
