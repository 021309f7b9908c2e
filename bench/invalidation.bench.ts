// Tag invalidation cost against the number of cached entries under the tag: the generation counter
// (packages/cache: one INCR per tag) at 10k, 100k and 1M entries, and, as the baseline in the same
// run, the member-set script it replaced (SMEMBERS + DEL + INCR per member, one blocking Lua call),
// rebuilt here from the old source at 10k and 100k (1M with BENCH_LEGACY_1M=1: about 25 s of blocked
// Redis). After each invalidation a sample of entries is read back through Cache.getOrLoad and must
// miss (the loader runs), so the figure is of an invalidation that works.
// `pnpm bench invalidation`; BENCH_INVALIDATION_SIZES=10000,100000 to run fewer sizes.
import { Cache, createRedis, isCluster, onEveryMaster, type RedisClient, whenReady } from '@tonearm/cache';
import { rawEnv } from '@tonearm/config';
import { type Harness, stats } from './harness';

const PREFIX = 'bench-inv:';
const TAG = 'songs';

// The old invalidateTags script, verbatim (packages/cache before generation counters).
const LEGACY_INVALIDATE_TAG = `
local members = redis.call('SMEMBERS', KEYS[1])
for _, k in ipairs(members) do
  redis.call('DEL', k)
  redis.call('INCR', k .. ARGV[1])
  redis.call('EXPIRE', k .. ARGV[1], 86400)
end
redis.call('DEL', KEYS[1])
return #members`;

/** EVALSHA calls and their total server time (µs) so far, summed over the masters. */
async function evalshaStats(redis: RedisClient): Promise<{ calls: number; usec: number }> {
  const infos = await onEveryMaster(redis, (n) => n.info('commandstats'));
  let calls = 0;
  let usec = 0;
  for (const info of infos) {
    const m = /cmdstat_evalsha:calls=(\d+),usec=(\d+)/.exec(info);
    calls += Number(m?.[1] ?? 0);
    usec += Number(m?.[2] ?? 0);
  }
  return { calls, usec };
}

async function inChunks(n: number, size: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < n; start += size) {
    const batch: Promise<unknown>[] = [];
    for (let i = start; i < Math.min(n, start + size); i++) batch.push(fn(i));
    await Promise.all(batch);
  }
}

/** Deletes every key of this bench (SCAN on each master, UNLINK in batches), outside the timings. */
async function cleanup(redis: RedisClient): Promise<void> {
  await onEveryMaster(redis, async (node) => {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${PREFIX}*`, 'COUNT', 5000);
      cursor = next;
      // One key per UNLINK: keys of one SCAN page are in many slots of a Cluster.
      await Promise.all(keys.map((k) => node.unlink(k)));
    } while (cursor !== '0');
  });
}

export default async function (h: Harness) {
  const sizes = (rawEnv('BENCH_INVALIDATION_SIZES') ?? '10000,100000,1000000').split(',').map(Number);
  const legacy1M = rawEnv('BENCH_LEGACY_1M') === '1';
  // Auto-pipelining batches the fill's commands per node (a Cluster pipeline may not span slots).
  const redis = createRedis({ keyPrefix: PREFIX, commandTimeout: 60_000, enableAutoPipelining: true });
  const plain = createRedis({ commandTimeout: 120_000, enableAutoPipelining: true });
  await Promise.all([whenReady(redis), whenReady(plain)]);
  const cluster = isCluster(redis);
  const cache = new Cache(redis, { prefix: 'c' });
  await cleanup(plain);

  for (const n of sizes) {
    // n entries as Cache.getOrLoad stores them: the value and the tag generation it was loaded under.
    const gen = (await redis.get(cache.tagKey(TAG))) ?? '0';
    const envelope = JSON.stringify({ v: { id: 'x', title: 'A song' }, t: [gen] });
    const t0 = performance.now();
    await inChunks(n, 10_000, (i) => redis.set(cache.key('song-list', String(i)), envelope, 'EX', 900));
    const fillS = (performance.now() - t0) / 1000;
    // Before: a sample is served from the cache.
    let loads = 0;
    const sample = Array.from({ length: 50 }, (_, i) => String(Math.floor((i * n) / 50)));
    const read = (id: string) =>
      cache.getOrLoad(
        'song-list',
        id,
        async () => {
          loads++;
          return { id: 'fresh' };
        },
        { tags: [TAG] },
      );
    for (const id of sample) await read(id);
    if (loads !== 0)
      throw new Error(`expected ${sample.length} hits before invalidation, got ${loads} loads`);

    // Server time too: what Redis itself spends per invalidation (the client's p99 includes this
    // process's and the machine's scheduling).
    const before = await evalshaStats(plain);
    const samples = await h.sample(() => cache.invalidateTags(TAG), 500, 0);
    const after = await evalshaStats(plain);
    const serverUs = (after.usec - before.usec) / Math.max(1, after.calls - before.calls);
    for (const id of sample) await read(id);
    if (loads !== sample.length) throw new Error(`expected every sampled entry to miss after invalidation`);

    let legacy: number | undefined;
    if (!cluster && (n < 1_000_000 || legacy1M)) {
      // The same n entries the old way: each value key in the tag's member set.
      const setKey = `${PREFIX}legacy:tag:${TAG}`;
      await inChunks(n, 10_000, (i) => {
        const k = `${PREFIX}legacy:song-list:${i}`;
        return Promise.all([plain.set(k, envelope, 'EX', 900), plain.sadd(setKey, k)]);
      });
      const l0 = performance.now();
      const dropped = await plain.eval(LEGACY_INVALIDATE_TAG, 1, setKey, ':gen');
      legacy = performance.now() - l0;
      if (dropped !== n) throw new Error(`legacy script dropped ${dropped} of ${n}`);
    }
    const s = stats(samples);
    h.record({
      name: `invalidateTags with ${n.toLocaleString('en')} cached entries${cluster ? ' (Redis Cluster)' : ''}`,
      target: s,
      ...(legacy === undefined ? {} : { baseline: stats([legacy]) }),
      figures: {
        'redis µs/call': serverUs,
        'fill s': fillS,
        ...(legacy === undefined ? {} : { 'legacy ms': legacy, 'speed-up (legacy / p50)': legacy / s.p50 }),
      },
      note:
        legacy === undefined
          ? cluster
            ? 'the member-set baseline cannot run on a Cluster (its script touches keys of every slot)'
            : 'legacy baseline skipped at 1M (BENCH_LEGACY_1M=1 runs it)'
          : 'baseline: the old SMEMBERS+DEL script, one run (it empties its set)',
    });
    await cleanup(plain);
  }
  redis.disconnect();
  plain.disconnect();
}
