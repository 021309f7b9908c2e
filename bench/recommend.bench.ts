// `pnpm bench recommend`: "More like this" and "For you" on the services the project starts
// (scripts/services.sh: Redis and the MongoDB stand-in at its default heap), over a generated catalog of
// 20,000 songs and 75,000 plays (taste clusters, packages/db/src/playlog-gen.ts):
// - the neighbour job, full then incremental after 1,000 new plays: time, rows, pairs read, and peak
//   memory of this process and of the MongoDB stand-in (VmHWM, its -Xmx);
// - p50/p99 of both lists for signed-in listeners, served from the precomputed rows, against the
//   previous on-the-fly path measured in the same run (the listener's songs aggregated from
//   play_events, the blend computed by queries at request time);
// - that neither list ever holds a song the listener has played (checked against the play log).
// RECOMMEND_BENCH_PLAYS scales the play log (e.g. 100000, 1000000: the job at that size).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Cache, createRedis, whenReady } from '@tonearm/cache';
import { env, repoRoot } from '@tonearm/config';
import {
  connectDb,
  disconnectDb,
  generateCatalog,
  generatePlayLog,
  insertCatalog,
  insertPlayLog,
  mongoose,
  PlayEvent,
  Song,
  type SongDoc,
  syncIndexes,
  Types,
} from '@tonearm/db';
import { createLogger } from '@tonearm/observability';
import { withDbName } from '@tonearm/testing';
import { trusted } from 'mongoose';
import {
  blendOnTheSpot,
  moreLikeThis,
  recommendedFor,
  refreshSongNeighbors,
  toSongDto,
} from '../packages/core/src';
import type { Harness } from './harness';

/** Peak RSS of a process (kB → MB), from /proc. */
function peakMb(pid: number | 'self'): number {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmHWM:\s+(\d+)/);
  return m ? Math.round(Number(m[1]) / 1024) : Number.NaN;
}
function mongoProcess(): { pid: number; xmx: string } | null {
  try {
    const dir = join(process.env.TONEARM_DATA_DIR ?? join(repoRoot(), '.data'), 'services', 'mongo');
    const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
    // setsid started `java` itself under that pid.
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return { pid, xmx: cmd.find((a) => a.startsWith('-Xmx'))?.slice(4) ?? 'default' };
  } catch {
    return null;
  }
}
/** Samples this process's heap while `fn` runs. */
async function withPeakHeap<T>(fn: () => Promise<T>): Promise<[T, number]> {
  let peak = process.memoryUsage().heapUsed;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 20);
  try {
    const out = await fn();
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    return [out, Math.round(peak / 1e6)];
  } finally {
    clearInterval(timer);
  }
}

export default async function (h: Harness) {
  const targetPlays = Number(process.env.RECOMMEND_BENCH_PLAYS ?? 75_000);
  const songs = 20_000;
  const cat = generateCatalog({ seed: 42, songs });
  const users = Math.round(targetPlays / 40);
  const log = generatePlayLog(cat, { seed: 1, users, playsPerUser: [20, 60], clusters: 40 });
  const extra = generatePlayLog(cat, { seed: 2, users: 50, playsPerUser: [20, 20], clusters: 40 });
  // The incremental run's new plays: 1,000 plays by 50 existing listeners.
  const newPlays = extra.plays.map((p, i) => ({
    ...p,
    eventId: `bench-new-${i}`,
    userId: log.users[Math.floor(i / 20) % log.users.length]!._id,
    startedAt: new Date(p.startedAt.getTime() + 30 * 86_400_000),
  }));

  await connectDb(withDbName(env().MONGODB_URI, 'bench_recommend'));
  await mongoose.connection.db?.dropDatabase();
  await syncIndexes();
  const tl = performance.now();
  await insertCatalog(cat);
  await insertPlayLog(log);
  const played = await PlayEvent.distinct('songId');
  h.record({
    name: 'catalog',
    figures: {
      songs: cat.songs.length,
      plays: log.plays.length,
      listeners: log.users.length,
      'songs with plays': played.length,
      'load s': Math.round((performance.now() - tl) / 100) / 10,
    },
  });
  const redis = createRedis({ keyPrefix: 'bench-recs:', commandTimeout: 30_000 });
  await whenReady(redis);
  await redis.del('recs:neighbors:watermark');
  const deps = {
    redis,
    cache: new Cache(redis, { prefix: `c${Date.now()}` }),
    log: createLogger('bench', 'silent'),
  } as never;
  const now = new Date('2026-12-31');
  const mongo = mongoProcess();

  const [full, fullHeap] = await withPeakHeap(() => refreshSongNeighbors(deps, { mode: 'full', now }));
  h.record({
    name: `neighbour job (full), ${log.plays.length} plays over ${played.length} songs`,
    figures: {
      s: full.tookMs / 1000,
      rows: full.rowsWritten,
      'pairs read': full.pairsRead,
      'node heap peak MB': fullHeap,
      'node RSS peak MB': peakMb('self'),
      'mongo stand-in RSS peak MB': mongo ? peakMb(mongo.pid) : 'n/a',
      'mongo -Xmx': mongo?.xmx ?? 'n/a',
    },
  });
  await new Promise((r) => setTimeout(r, 5));
  await insertPlayLog({ plays: newPlays });
  const [inc, incHeap] = await withPeakHeap(() => refreshSongNeighbors(deps, { now }));
  h.record({
    name: `neighbour job (incremental), ${newPlays.length} new plays by ${inc.listeners} listeners`,
    figures: {
      s: inc.tookMs / 1000,
      'songs recomputed': inc.songs,
      'pairs read': inc.pairsRead,
      'vs full: time': Math.round((inc.tookMs / full.tookMs) * 1000) / 1000,
      'vs full: pairs read': Math.round((inc.pairsRead / full.pairsRead) * 1000) / 1000,
      'node heap peak MB': incHeap,
    },
  });
  if (targetPlays > 75_000) {
    redis.disconnect();
    await disconnectDb();
    return;
  }

  // Ground truth of what each listener plays: the play log itself.
  const heard = new Map<string, Set<string>>();
  for (const p of [...log.plays, ...newPlays]) {
    const k = String(p.userId);
    const s = heard.get(k) ?? new Set<string>();
    s.add(String(p.songId));
    heard.set(k, s);
  }
  const top = new Map<string, string>();
  for (const [u, s] of heard) top.set(u, [...s][0]!);
  const listeners = [...heard.keys()];

  // The previous serving path: the listener's songs aggregated from play_events (the stand-in ignores
  // the compound {userId, startedAt} index: a collection scan), the blend by queries at request time.
  const historyByScan = async (userId: string) =>
    PlayEvent.aggregate<{ _id: Types.ObjectId }>([
      { $match: { userId: new Types.ObjectId(userId) } },
      { $group: { _id: '$songId', plays: { $sum: 1 }, last: { $max: '$startedAt' } } },
      { $sort: { last: -1 } },
    ]);
  const oldMlt = async (userId: string, songId: string) => {
    const mine = new Set((await historyByScan(userId)).map((r) => String(r._id)));
    const cands = (await blendOnTheSpot(songId, Math.min(25 + mine.size, 300))) ?? [];
    const ids = cands.filter((c) => !mine.has(c.id)).slice(0, 20);
    const docs = await Song.find({
      _id: trusted({ $in: ids.map((c) => new Types.ObjectId(c.id)) }),
      'media.status': 'ready',
    }).lean<SongDoc[]>();
    return docs.slice(0, 10).map(toSongDto);
  };

  let violations = 0;
  let served = 0;
  const check = (u: string, ids: string[]) => {
    served += ids.length;
    for (const id of ids) if (heard.get(u)!.has(id)) violations++;
  };
  let i = 0;
  let j = 0;
  const n = Math.min(listeners.length, 1_600);
  await h.compare(
    `"More like this" signed in, from precomputed rows vs on the fly (${n} distinct listener/seed pairs, uncached)`,
    async () => {
      const u = listeners[i++ % n]!;
      check(
        u,
        (await moreLikeThis(deps, top.get(u)!, 10, { forUserId: u })).map((r) => r.id),
      );
    },
    async () => {
      const u = listeners[(n + j++) % listeners.length]!;
      await oldMlt(u, top.get(u)!);
    },
    { iterations: 400, warmup: 20, rounds: 4 },
  );
  i = 0;
  j = 0;
  const oldForYou = async (userId: string) => {
    await historyByScan(userId);
    return recommendedFor(deps, userId, 10);
  };
  await h.compare(
    `"For you", from listener rows + neighbour rows vs history aggregated from play_events (${n} listeners)`,
    async () => {
      const u = listeners[i++ % n]!;
      check(
        u,
        (await recommendedFor(deps, u, 10)).map((r) => r.id),
      );
    },
    async () => oldForYou(listeners[j++ % n]!),
    { iterations: 400, warmup: 20, rounds: 4 },
  );
  h.record({
    name: 'served songs the listener already plays (both lists, every call above)',
    figures: { served, 'already played': violations },
  });
  if (violations) throw new Error(`${violations} recommended songs were already played by their listener`);
  redis.disconnect();
  await disconnectDb();
}
