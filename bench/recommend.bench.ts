// Offline evaluation of "More like this": listeners with taste clusters (the play-log generator);
// each test listener's last plays are held out, neighbours are computed from the rest by the real job
// (aggregation pipeline on the configured MongoDB), and hit-rate@10 of "More like this" seeded with the
// listener's last training play is compared with a popularity baseline on the same split.
import { Cache, createRedis, whenReady } from '@tonearm/cache';
import { env } from '@tonearm/config';
import {
  connectDb,
  disconnectDb,
  generateCatalog,
  generatePlayLog,
  insertCatalog,
  insertPlayLog,
  mongoose,
  syncIndexes,
  type GenPlay,
} from '@tonearm/db';
import { createLogger } from '@tonearm/observability';
import { withDbName } from '@tonearm/testing';
import { moreLikeThis, refreshSongNeighbors, topSongs } from '../packages/core/src';
import type { Harness } from './harness';

export default async function (h: Harness) {
  const users = Number(process.env.RECOMMEND_BENCH_USERS ?? 300);
  const heldOut = 5;
  const cat = generateCatalog({ seed: 42, songs: 2_000 });
  const log = generatePlayLog(cat, { seed: 1, users, playsPerUser: [15, 35], clusters: 8 });

  const byUser = new Map<string, GenPlay[]>();
  for (const p of log.plays) {
    const k = String(p.userId);
    byUser.set(k, [...(byUser.get(k) ?? []), p]);
  }
  const test = new Map<string, { seed: string; held: Set<string> }>();
  const train: GenPlay[] = [];
  for (const [i, u] of log.users.entries()) {
    const plays = (byUser.get(String(u._id)) ?? []).sort(
      (a, b) => a.startedAt.getTime() - b.startedAt.getTime(),
    );
    if (i % 5 === 0 && plays.length > heldOut + 1) {
      train.push(...plays.slice(0, -heldOut));
      test.set(String(u._id), {
        seed: String(plays.at(-heldOut - 1)!.songId),
        held: new Set(plays.slice(-heldOut).map((p) => String(p.songId))),
      });
    } else train.push(...plays);
  }

  await connectDb(withDbName(env().MONGODB_URI, 'bench_recommend'));
  await mongoose.connection.db?.dropDatabase();
  await syncIndexes();
  await insertCatalog(cat);
  await insertPlayLog({ users: log.users, plays: train });
  const redis = createRedis({ keyPrefix: 'bench-recs:', commandTimeout: 5_000 });
  await whenReady(redis);
  await redis.del('recs:neighbors:watermark');
  const deps = {
    redis,
    cache: new Cache(redis, { prefix: `c${Date.now()}` }),
    log: createLogger('bench', 'silent'),
  };

  const run = await refreshSongNeighbors(deps, { mode: 'full', now: new Date('2026-12-31') });
  h.record({
    name: `neighbours job (full), ${train.length} plays, ${users} listeners, 2,000 songs`,
    figures: { 'job s': run.tookMs / 1000, rows: run.rowsWritten },
  });

  // The popularity baseline: most played songs in the training plays.
  const counts = new Map<string, number>();
  for (const p of train) counts.set(String(p.songId), (counts.get(String(p.songId)) ?? 0) + 1);
  const chart = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => id);

  let mltHits = 0;
  let popHits = 0;
  for (const { seed, held } of test.values()) {
    const recs = await moreLikeThis(deps, seed, 10);
    if (recs.some((r) => held.has(r.id))) mltHits++;
    if (
      chart
        .filter((id) => id !== seed)
        .slice(0, 10)
        .some((id) => held.has(id))
    )
      popHits++;
  }
  const mlt = mltHits / test.size;
  const pop = popHits / test.size;
  h.record({
    name: `offline hit-rate@10, ${test.size} test listeners, last ${heldOut} plays held out`,
    figures: { 'More like this': mlt, 'popularity baseline': pop, ratio: pop ? mlt / pop : Number.NaN },
  });

  const seeds = [...test.values()].map((t) => t.seed);
  let i = 0;
  await h.compare(
    'moreLikeThis (cached, readiness re-checked) vs top songs (cached)',
    () => moreLikeThis(deps, seeds[i++ % seeds.length]!, 10),
    () => topSongs(deps, 10),
    { iterations: 400, warmup: seeds.length, rounds: 4 },
  );
  redis.disconnect();
  await disconnectDb();
}
