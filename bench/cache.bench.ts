// Cache-aside read cost against a bare Redis GET of the same key, in the same run.
import { Cache, createRedis, whenReady } from '@tonearm/cache';
import type { Harness } from './harness';

export default async function (h: Harness) {
  const redis = createRedis({ keyPrefix: 'bench:' });
  await whenReady(redis);
  const cache = new Cache(redis);
  const value = { id: 'x', title: 'A song', artistName: 'Someone', playCount: 1 };
  await cache.getOrLoad('song', 'x', async () => value);
  await h.compare(
    'cache.getOrLoad hit vs raw GET',
    () => cache.getOrLoad('song', 'x', async () => value),
    async () => JSON.parse((await redis.get(cache.key('song', 'x'))) ?? 'null'),
    { iterations: 5000 },
  );
  redis.disconnect();
}
