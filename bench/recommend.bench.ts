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
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Cache, createRedis, whenReady } from '@tonearm/cache';
import { env, repoRoot } from '@tonearm/config';
import {
  connectDb,
  disconnectDb,
  type GenPlay,
  generateCatalog,
  generatePlayLog,
  insertCatalog,
  insertPlayLog,
  ListenerIndex,
  mongoose,
  PlayEvent,
  type PlayLog,
  recordListen,
  recordListens,
  rng,
  Song,
  type SongDoc,
  SongNeighbors,
  syncIndexes,
  Types,
  User,
  weightedPicker,
} from '@tonearm/db';
import { createLogger } from '@tonearm/observability';
import { withDbName } from '@tonearm/testing';
import { trusted } from 'mongoose';
import {
  blendOnTheSpot,
  listenerSongIds,
  listenerSongs,
  moreLikeThis,
  type NeighborsRun,
  recommendedFor,
  refreshSongNeighbors,
  SONG_DTO_FIELDS,
  unpackCandidates,
  unpackNeighbors,
} from '../packages/core/src';
import { DEFAULT_FOR_YOU, scoreHistory } from '../packages/core/src/recs-sim';
import { type Harness, stats } from './harness';

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

/** Resets the peak-RSS mark (VmHWM) of a process (Linux clear_refs "5"), so a peak is the job's own. */
function resetPeak(pid: number | 'self'): void {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // not permitted: the peak then includes what ran before
  }
}
const load = () => loadavg()[0]!.toFixed(1);

/**
 * 1,000 new plays spread as real plays are: the listener of each play drawn with weight ∝ (their plays
 * so far)² (most plays come from the most active listeners), then `firstShare` of the plays are a song
 * the listener never played (drawn from their main taste cluster) and the rest replays of their own
 * songs (weighted by how often they played them). `firstShare` is an assumption (0.3 by default:
 * listening is mostly repeat listening), printed with the figures; 1 is the worst case.
 */
function newPlaysFor(log: PlayLog, n: number, firstShare: number, seed: number, tag: string) {
  const r = rng(seed);
  const history = new Map<string, Map<string, GenPlay>>();
  const plays = new Map<string, number>();
  for (const p of log.plays) {
    const u = String(p.userId);
    const m = history.get(u) ?? new Map<string, GenPlay>();
    m.set(String(p.songId), p);
    history.set(u, m);
    plays.set(u, (plays.get(u) ?? 0) + 1);
  }
  const users = log.users.filter((u) => history.has(String(u._id)));
  // Listeners drawn ∝ (their plays so far)²: the active ones play most of the new plays.
  const pick = weightedPicker(users, (u) => plays.get(String(u._id))! ** 2, r);
  const out: GenPlay[] = [];
  const at = new Date('2026-12-30T12:00:00Z');
  for (let i = 0; i < n; i++) {
    const u = pick();
    const mine = history.get(String(u._id))!;
    let song: { _id: Types.ObjectId; artistId: Types.ObjectId } | undefined;
    if (r() < firstShare) {
      const cluster = log.clusters[log.clusterOf.get(String(u._id)) ?? 0]!;
      for (let k = 0; k < 20 && !song; k++) {
        const s = cluster[Math.floor(r() * cluster.length)]!;
        if (!mine.has(String(s._id))) song = s;
      }
    }
    if (!song) {
      const own = [...mine.values()];
      const p = own[Math.floor(r() * own.length)]!;
      song = { _id: p.songId, artistId: p.artistId };
    }
    const play: GenPlay = {
      eventId: `${tag}-${i}`,
      userId: u._id,
      songId: song._id,
      artistId: song.artistId,
      startedAt: new Date(at.getTime() + i * 1_000),
      playedSec: 120,
      completed: true,
    };
    mine.set(String(song._id), play);
    out.push(play);
  }
  return out;
}

export default async function (h: Harness) {
  const targetPlays = Number(process.env.RECOMMEND_BENCH_PLAYS ?? 75_000);
  // Above 200k plays the job part loads the listener rows only (what the play path would have written
  // for these plays, through the same bulk function), not the play events: the stand-in's heap holds
  // one or the other at 1M.
  const rowsOnly = process.env.RECOMMEND_BENCH_ROWS_ONLY
    ? process.env.RECOMMEND_BENCH_ROWS_ONLY === '1'
    : targetPlays > 200_000;
  const firstShare = Number(process.env.RECOMMEND_BENCH_FIRST_SHARE ?? 0.3);
  const songs = 20_000;
  const cat = generateCatalog({ seed: 42, songs });
  const users = Math.round(targetPlays / 40);
  const log = generatePlayLog(cat, { seed: 1, users, playsPerUser: [20, 60], clusters: 40 });
  const newPlays = newPlaysFor(log, 1_000, firstShare, 2, 'bench-new');

  await connectDb(withDbName(env().MONGODB_URI, `bench_recommend_${targetPlays}`));
  await mongoose.connection.db?.dropDatabase();
  await syncIndexes();
  const tl = performance.now();
  await insertCatalog(cat);
  if (rowsOnly) {
    await User.collection.insertMany(
      log.users.map((u) => ({ ...u, role: 'user' })),
      { ordered: false },
    );
    await recordListens(log.plays);
  } else await insertPlayLog(log);
  const played = new Set(log.plays.map((p) => String(p.songId))).size;
  h.record({
    name: 'catalog',
    figures: {
      songs: cat.songs.length,
      plays: log.plays.length,
      listeners: log.users.length,
      'songs with plays': played,
      loaded: rowsOnly ? 'listener rows only (recordListens)' : 'play events + listener rows (insertPlayLog)',
      'load s': Math.round((performance.now() - tl) / 100) / 10,
      'load avg': load(),
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

  const job = async (name: string, run: () => Promise<NeighborsRun>) => {
    resetPeak('self');
    if (mongo) resetPeak(mongo.pid);
    const [r, heap] = await withPeakHeap(run);
    return {
      r,
      figures: {
        'node heap peak MB': heap,
        'node RSS peak MB': peakMb('self'),
        'mongo stand-in RSS peak MB': mongo ? peakMb(mongo.pid) : 'n/a',
        'mongo -Xmx': mongo?.xmx ?? 'n/a',
        'load avg': load(),
      },
      name,
    };
  };
  const full = await job('full', () => refreshSongNeighbors(deps, { mode: 'full', now }));
  h.record({
    name: `neighbour job (full), ${log.plays.length} plays over ${played} songs`,
    figures: {
      s: full.r.tookMs / 1000,
      rows: full.r.rowsWritten,
      'pairs read': full.r.pairsRead,
      ...full.figures,
    },
  });
  // The incremental runs: the new plays through the play report's own listener-row path (recordListen).
  const incremental = async (label: string, plays: GenPlay[]) => {
    if (!rowsOnly) await PlayEvent.collection.insertMany(plays.map((p) => ({ ...p, countedAt: null })));
    for (const p of plays) await recordListen(p);
    const inc = await job(label, () => refreshSongNeighbors(deps, { now }));
    h.record({
      name: `neighbour job (incremental), ${plays.length} new plays (${label}) by ${new Set(plays.map((p) => String(p.userId))).size} listeners`,
      figures: {
        s: inc.r.tookMs / 1000,
        'first plays of a pair': inc.r.newPairs,
        'rows recomputed': inc.r.songs,
        'rows patched': inc.r.patched,
        'rows written': inc.r.rowsWritten,
        'pairs read': inc.r.pairsRead,
        'incremental/full time': Math.round((inc.r.tookMs / full.r.tookMs) * 10_000) / 10_000,
        'incremental/full pairs read': Math.round((inc.r.pairsRead / full.r.pairsRead) * 10_000) / 10_000,
        ...inc.figures,
      },
    });
  };
  await incremental(`${Math.round(firstShare * 100)}% first plays`, newPlays);
  const firstPlays = newPlaysFor(log, 1_000, 1, 3, 'bench-first');
  await incremental('100% first plays, worst case', firstPlays);
  if (targetPlays > 75_000) {
    redis.disconnect();
    await disconnectDb();
    return;
  }

  // Ground truth of what each listener plays: the play log itself.
  const heard = new Map<string, Set<string>>();
  for (const p of [...log.plays, ...newPlays, ...firstPlays]) {
    const k = String(p.userId);
    const s = heard.get(k) ?? new Set<string>();
    s.add(String(p.songId));
    heard.set(k, s);
  }
  const top = new Map<string, string>();
  for (const [u, s] of heard) top.set(u, [...s][0]!);
  const listeners = [...heard.keys()];
  const load1 = () => Math.round(loadavg()[0]! * 10) / 10;

  // Each read of the serving path alone (100 each, distinct ids), to see where the time goes.
  const songIds = cat.songs.map((s) => s._id);
  const twenty = (k: number) => songIds.slice((k * 37) % 19_000, ((k * 37) % 19_000) + 20);
  const reads: [string, (k: number) => Promise<unknown>][] = [
    [
      'listener_index by _id',
      (k) => ListenerIndex.findById(new Types.ObjectId(listeners[k]), { songs: 1 }).lean(),
    ],
    [
      'song_neighbors row by songId (unique)',
      (k) => SongNeighbors.findOne({ songId: songIds[k * 7] }, { packedSimilar: 1 }).lean(),
    ],
    [
      'songs: 20 by {_id $in, media.status: ready} (previous)',
      (k) => Song.find({ _id: trusted({ $in: twenty(k) }), 'media.status': 'ready' }).lean(),
    ],
    [
      'songs: 20 by {_id $in} only, DTO fields (shipped)',
      (k) => Song.find({ _id: trusted({ $in: twenty(k) }) }, SONG_DTO_FIELDS).lean(),
    ],
    [
      "song_neighbors: a listener's history rows by songId $in",
      (k) =>
        SongNeighbors.find(
          { songId: trusted({ $in: [...heard.get(listeners[k]!)!].map((x) => new Types.ObjectId(x)) }) },
          { songId: 1, packed: 1, listenerCount: 1 },
        ).lean(),
    ],
  ];
  for (const [name, f] of reads) {
    let k = 0;
    const xs = await h.sample(() => f(k++), 100, 5);
    h.record({ name: `read: ${name}`, target: stats(xs), figures: { 'load avg': load1() } });
  }

  // The previous serving path in the same run: the same precomputed rows, candidate songs read with
  // {_id $in, media.status} (a collection scan on the stand-in), nothing cached per listener.
  const prevDocs = async (ids: string[], limit: number) =>
    (
      await Song.find({
        _id: trusted({ $in: ids.map((x) => new Types.ObjectId(x)) }),
        'media.status': 'ready',
      }).lean<SongDoc[]>()
    ).slice(0, limit);
  const prevMlt = async (userId: string, songId: string) => {
    const mine = await listenerSongIds(userId);
    const row = await SongNeighbors.findOne(
      { songId: new Types.ObjectId(songId) },
      { packedSimilar: 1 },
    ).lean();
    const ids = unpackCandidates(row?.packedSimilar)
      .filter((c) => !mine.has(c.id) && c.id !== songId)
      .slice(0, 20)
      .map((c) => c.id);
    return prevDocs(ids, 10);
  };
  const prevForYou = async (userId: string) => {
    const [mine, history] = await Promise.all([listenerSongIds(userId), listenerSongs(userId, 1_000)]);
    const rows = await SongNeighbors.find(
      { songId: trusted({ $in: [...history.keys()].map((x) => new Types.ObjectId(x)) }) },
      { songId: 1, packed: 1 },
    ).lean();
    const scored = scoreHistory(
      history,
      rows.map((r) => ({ song: String(r.songId), neighbors: unpackNeighbors(r.packed) })),
      Date.now(),
      { ...DEFAULT_FOR_YOU, halfLifeDays: 60, seedListeners: 0 },
      mine,
    );
    const ids = [...scored.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 20)
      .map(([x]) => x);
    return prevDocs(ids, 10);
  };
  // The on-the-fly path before precomputed rows: the listener's songs aggregated from play_events (the
  // stand-in ignores the compound {userId, startedAt} index: a collection scan), the blend by queries at
  // request time.
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
    return prevDocs(
      ids.map((c) => c.id),
      10,
    );
  };
  // Cold: a cache nobody has written (its own prefix per call), so each call reads every row.
  let coldN = 0;
  const quiet = createLogger('bench', 'silent');
  const cold = () =>
    ({ redis, log: quiet, cache: new Cache(redis, { prefix: `cold${Date.now()}-${coldN++}` }) }) as never;

  let violations = 0;
  let served = 0;
  const check = (u: string, ids: string[]) => {
    served += ids.length;
    for (const id of ids) if (heard.get(u)!.has(id)) violations++;
  };
  const n = Math.min(listeners.length, 1_600);
  const rounds = 4;
  const per = Number(process.env.RECOMMEND_BENCH_CALLS ?? 300) / rounds;
  type Path = { name: string; call: (u: string) => Promise<unknown>; samples: number[] };
  const measure = async (title: string, paths: Path[], warm?: Path) => {
    // Interleaved in rounds so drift hits every path alike; listener k of a round is the same for all.
    const loads: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const us = Array.from({ length: per }, (_, k) => listeners[(r * per + k) % n]!);
      for (const p of paths) {
        let k = 0;
        p.samples.push(...(await h.sample(() => p.call(us[k++]!), per, 0)));
      }
      if (warm) {
        // Warm: the same listeners again, after the shipped cold calls above filled the shared cache.
        for (const u of us) await warm.call(u);
        let k = 0;
        warm.samples.push(...(await h.sample(() => warm.call(us[k++]!), per, 0)));
      }
      loads.push(loadavg()[0]!);
    }
    const base = paths.at(-1)!;
    const load = `${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`;
    for (const p of [...paths.slice(0, -1), ...(warm ? [warm] : [])])
      h.record({
        name: `${title}: ${p.name} vs ${base.name}`,
        target: stats(p.samples),
        baseline: stats(base.samples),
        figures: { 'load avg': load },
      });
  };
  const shared = deps;
  await measure(
    `"More like this" signed in (${n} listeners, seed = their first song)`,
    [
      {
        name: 'shipped, cold',
        samples: [],
        call: async (u) =>
          check(
            u,
            (await moreLikeThis(cold(), top.get(u)!, 10, { forUserId: u })).map((r) => r.id),
          ),
      },
      { name: 'previous precomputed', samples: [], call: (u) => prevMlt(u, top.get(u)!) },
      { name: 'on the fly', samples: [], call: (u) => oldMlt(u, top.get(u)!) },
    ],
    {
      name: 'shipped, warm',
      samples: [],
      call: async (u) =>
        check(
          u,
          (await moreLikeThis(shared, top.get(u)!, 10, { forUserId: u })).map((r) => r.id),
        ),
    },
  );
  await measure(
    `"For you" (${n} listeners)`,
    [
      {
        name: 'shipped, cold',
        samples: [],
        call: async (u) =>
          check(
            u,
            (await recommendedFor(cold(), u, 10)).map((r) => r.id),
          ),
      },
      { name: 'previous precomputed', samples: [], call: (u) => prevForYou(u) },
      {
        name: 'on the fly (history from play_events)',
        samples: [],
        call: async (u) => {
          await historyByScan(u);
          return prevForYou(u);
        },
      },
    ],
    {
      name: 'shipped, warm',
      samples: [],
      call: async (u) =>
        check(
          u,
          (await recommendedFor(shared, u, 10)).map((r) => r.id),
        ),
    },
  );
  h.record({
    name: 'served songs the listener already plays (both lists, shipped cold and warm, every call above)',
    figures: { served, 'already played': violations },
  });
  if (violations) throw new Error(`${violations} recommended songs were already played by their listener`);
  redis.disconnect();
  await disconnectDb();
}
