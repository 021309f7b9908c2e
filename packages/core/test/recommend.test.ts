// "More like this": the co-occurrence job on the MongoDB stand-in (full and incremental), and the
// blend served to the player: collaborative neighbours first, content and popularity for cold songs,
// never the song itself or an unplayable song, cached and invalidated by the job.
import {
  type Catalog,
  generateCatalog,
  generatePlayLog,
  insertCatalog,
  insertPlayLog,
  ListenerSong,
  PlayEvent,
  type PlayLog,
  recordListens,
  Song,
  SongNeighbors,
  Types,
} from '@tonearm/db';
import { Queues, workerConnection } from '@tonearm/queue';
import { readyMedia, startTestServices, TEST_RENDITIONS, type TestServices, uid } from '@tonearm/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CacheNsForYou,
  CacheNsMlt,
  type CoreDeps,
  forYouTag,
  MLT_PRECOMPUTED,
  mltTag,
  moreLikeThis,
  recommendedFor,
  refreshSongNeighbors,
  reportPlay,
  unpackNeighbors,
} from '../src';

/** song_neighbors rows with their packed neighbours read back. */
const neighborRows = async (): Promise<
  { songId: unknown; computedAt: Date; neighbors: { songId: string; score: number }[] }[]
> =>
  (await SongNeighbors.find().lean()).map((r) => ({
    songId: r.songId,
    computedAt: r.computedAt,
    neighbors: unpackNeighbors(r.packed).map((n) => ({ songId: n.song, score: n.score })),
  }));

let svc: TestServices;
let deps: CoreDeps;
let cat: Catalog;
let log: PlayLog;

beforeAll(async () => {
  svc = await startTestServices();
  deps = { cache: svc.cache, redis: svc.redis, log: svc.log };
  cat = generateCatalog({ seed: 9, songs: 600 });
  await insertCatalog(cat);
  log = generatePlayLog(cat, { seed: 3, users: 100, playsPerUser: [15, 30], clusters: 6 });
  await insertPlayLog(log);
});
afterAll(() => svc?.close());

const clusterOfSong = () => {
  const m = new Map<string, number>();
  for (const [i, c] of log.clusters.entries()) for (const s of c) m.set(String(s._id), i);
  return m;
};

describe('refreshSongNeighbors', () => {
  it('computes top-K cosine neighbours per song, mostly from the same taste cluster', async () => {
    const run = await refreshSongNeighbors(deps, { mode: 'full', topK: 20, now: new Date('2026-12-01') });
    expect(run.mode).toBe('full');
    expect(run.rowsWritten).toBeGreaterThan(100);
    const rows = await neighborRows();
    expect(rows.length).toBe(run.rowsWritten);
    const cluster = clusterOfSong();
    let same = 0;
    let total = 0;
    for (const r of rows) {
      expect(r.neighbors.length).toBeLessThanOrEqual(20);
      const scores = r.neighbors.map((n) => n.score as number);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      for (const n of r.neighbors) {
        expect(String(n.songId)).not.toBe(String(r.songId));
        expect(n.score).toBeGreaterThan(0);
        expect(n.score).toBeLessThanOrEqual(1);
        total++;
        if (cluster.get(String(n.songId)) === cluster.get(String(r.songId))) same++;
      }
    }
    // 6 clusters: by chance 1 in 6 would share one; co-occurrence finds taste.
    expect(same / total).toBeGreaterThan(0.5);
  });

  it('normalises so that a hit does not top every list', async () => {
    const rows = await neighborRows();
    const firsts = new Map<string, number>();
    for (const r of rows) {
      const f = r.neighbors[0]?.songId;
      if (f) firsts.set(String(f), (firsts.get(String(f)) ?? 0) + 1);
    }
    const most = Math.max(...firsts.values());
    expect(most / rows.length).toBeLessThan(0.2);
  });

  it('incrementally recomputes only the rows whose co-occurrences changed', async () => {
    const before = new Map((await neighborRows()).map((r) => [String(r.songId), r.computedAt.getTime()]));
    const idle = await refreshSongNeighbors(deps, { now: new Date('2026-12-01') });
    expect(idle).toMatchObject({ mode: 'incremental', songs: 0, rowsWritten: 0 });

    // Two listeners of one cluster discover two songs of another together.
    const [u1, u2] = log.users;
    const s1 = log.clusters[0]![0]!;
    const s2 = log.clusters[1]![0]!;
    const at = new Date('2026-11-20T12:00:00Z');
    const plays = [u1!, u2!].flatMap((u, i) =>
      [s1, s2].map((s, j) => ({
        eventId: `inc-${i}-${j}`,
        userId: u._id,
        songId: s._id,
        artistId: s.artistId,
        startedAt: at,
        playedSec: 100,
        completed: true,
      })),
    );
    await new Promise((r) => setTimeout(r, 5));
    await insertPlayLog({ plays });
    const run = await refreshSongNeighbors(deps, { now: new Date('2026-12-01') });
    expect(run.mode).toBe('incremental');
    expect(run.listeners).toBe(2);
    expect(run.songs).toBeGreaterThan(0);
    expect(run.songs).toBeLessThan(before.size);
    const after = await neighborRows();
    const recomputed = after.filter((r) => r.computedAt.getTime() !== before.get(String(r.songId)));
    expect(recomputed.length).toBeGreaterThan(0);
    expect(recomputed.length).toBeLessThan(after.length);
    const row = after.find((r) => String(r.songId) === String(s1._id));
    expect(row?.neighbors.map((n) => String(n.songId))).toContain(String(s2._id));
  });

  it('matches a full recompute after incremental runs', async () => {
    const inc = new Map(
      (await neighborRows()).map((r) => [String(r.songId), r.neighbors.map((n) => String(n.songId))]),
    );
    await refreshSongNeighbors(deps, { mode: 'full', topK: 20, now: new Date('2026-12-01') });
    const full = await neighborRows();
    let equal = 0;
    for (const r of full)
      if (
        JSON.stringify(inc.get(String(r.songId))?.slice(0, 5)) ===
        JSON.stringify(r.neighbors.slice(0, 5).map((n) => String(n.songId)))
      )
        equal++;
    // Rows of songs not played by the new listeners keep slightly stale listener counts (n) until
    // the next full run; their top neighbours agree.
    expect(equal / full.length).toBeGreaterThan(0.9);
  });
});

describe('moreLikeThis', () => {
  const songWithNeighbors = async () => {
    const row = (await neighborRows()).find((r) => r.neighbors.length >= 5);
    return String(row!.songId);
  };

  it('leads with collaborative neighbours and never returns the song itself', async () => {
    const id = await songWithNeighbors();
    const recs = await moreLikeThis(deps, id, 10);
    expect(recs).toHaveLength(10);
    expect(recs.map((r) => r.id)).not.toContain(id);
    expect(recs[0]!.reasons).toContain('listeners');
    expect(new Set(recs.map((r) => r.id)).size).toBe(10);
    for (const r of recs) expect(r.status).toBe('ready');
  });

  it('never returns an unplayable song, even a cached strong neighbour', async () => {
    const id = await songWithNeighbors();
    const first = await moreLikeThis(deps, id, 10);
    const victim = first[0]!.id;
    await Song.updateOne({ _id: victim }, { $set: { 'media.status': 'failed' } });
    const again = await moreLikeThis(deps, id, 10);
    expect(again.map((r) => r.id)).not.toContain(victim);
    await svc.cache.invalidateTags(`mlt:${id}`);
    const fresh = await moreLikeThis(deps, id, 10);
    expect(fresh.map((r) => r.id)).not.toContain(victim);
    expect(fresh).toHaveLength(10);
    await Song.updateOne(
      { _id: victim },
      {
        $set: {
          'media.status': 'ready',
          'media.hlsPrefix': `songs/${victim}/hls/v1/`,
          'media.renditions': TEST_RENDITIONS,
        },
      },
    );
  });

  it('falls back to content and popularity for a cold song nobody played', async () => {
    const bjork = cat.artists.find((a) => a.name === 'Björk')!;
    const cold = await Song.create({
      title: 'Brand New Song',
      artistId: bjork._id,
      artistName: bjork.name,
      genre: 'electronic',
      media: readyMedia('songs/recommend-test/hls/v1/'),
    });
    expect(await PlayEvent.countDocuments({ songId: cold._id })).toBe(0);
    const recs = await moreLikeThis(deps, String(cold._id), 10);
    expect(recs).toHaveLength(10);
    expect(recs.map((r) => r.id)).not.toContain(String(cold._id));
    expect(recs[0]!.artistName).toBe('Björk');
    expect(recs[0]!.reasons).toContain('artist');
    expect(recs.every((r) => !r.reasons.includes('listeners'))).toBe(true);
    expect(recs.some((r) => r.reasons.includes('genre') || r.reasons.includes('popular'))).toBe(true);
  });

  it('a song with no artist-mates, genre or plays still gets the charts', async () => {
    const lone = await Song.create({
      title: 'Lonely',
      artistId: new Types.ObjectId(),
      artistName: 'Nobody Yet',
      media: readyMedia('songs/recommend-test/hls/v1/'),
    });
    const recs = await moreLikeThis(deps, String(lone._id), 5);
    expect(recs).toHaveLength(5);
    expect(recs.every((r) => r.reasons.includes('popular'))).toBe(true);
    const plays = recs.map((r) => r.playCount);
    expect(plays).toEqual([...plays].sort((a, b) => b - a));
  });

  it('throws NOT_FOUND for an unknown song', async () => {
    await expect(moreLikeThis(deps, String(new Types.ObjectId()), 5)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('serves from the cache until the job invalidates the song', async () => {
    const id = await songWithNeighbors();
    await moreLikeThis(deps, id, 7);
    // The precomputed candidates of the song, keyed by their count, under the tags moreLikeThis uses:
    // a probe read with the same key and tags is served from the cache (its loader never runs) until
    // the job bumps the tags' generation, then it loads.
    const probe = async () => {
      let loaded = false;
      await svc.cache.getOrLoad(
        CacheNsMlt,
        `${id}:${MLT_PRECOMPUTED}`,
        async () => {
          loaded = true;
          return [];
        },
        { ttlSeconds: 60, tags: [mltTag(id), 'mlt:all'] },
      );
      return loaded;
    };
    expect(await probe()).toBe(false);
    await refreshSongNeighbors(deps, { mode: 'full', topK: 20, now: new Date('2026-12-01') });
    expect(await probe()).toBe(true);
  });
});

describe('what the listener already plays', () => {
  it('neither list returns a song the listener played, even one played after the job ran', async () => {
    await refreshSongNeighbors(deps, { mode: 'full', now: new Date('2026-12-01') });
    let checked = 0;
    for (const u of log.users.slice(0, 12)) {
      const uid = String(u._id);
      const mine = new Set(log.plays.filter((p) => String(p.userId) === uid).map((p) => String(p.songId)));
      const seed = [...mine][0]!;
      // A song from the signed-out list, played just now: it must leave both lists at once.
      const before = await moreLikeThis(deps, seed, 10);
      const fresh = before.find((r) => !mine.has(r.id))!;
      await recordListens([{ userId: uid, songId: fresh.id, startedAt: new Date() }]);
      mine.add(fresh.id);
      const mlt = await moreLikeThis(deps, seed, 10, { forUserId: uid });
      const fy = await recommendedFor(deps, uid, 10);
      expect(mlt).toHaveLength(10);
      expect(fy).toHaveLength(10);
      for (const r of [...mlt, ...fy]) expect(mine.has(r.id), r.id).toBe(false);
      expect(fy[0]!.reasons).toContain('listeners');
      checked++;
    }
    expect(checked).toBe(12);
    // includePlayed asks for them back.
    const u = String(log.users[0]!._id);
    const all = await recommendedFor(deps, u, 50, { includePlayed: true });
    const rows = await ListenerSong.find({ userId: log.users[0]!._id }).lean();
    expect(all.some((r) => rows.some((x) => String(x.songId) === r.id))).toBe(true);
  }, 120_000);
});

describe('"For you" cache', () => {
  it('serves the scored list from a per-listener cache, re-checks what they play on every call, and a reported play drops it', async () => {
    await refreshSongNeighbors(deps, { mode: 'full', now: new Date('2026-12-01') });
    const user = String(log.users[30]!._id);
    await svc.cache.invalidateTags(forYouTag(user));
    // A read under the key and tags recommendedFor uses: true when its loader runs (nothing cached).
    const probeLoads = async () => {
      let loaded = false;
      await svc.cache.getOrLoad(
        CacheNsForYou,
        user,
        async () => {
          loaded = true;
          return { ranked: [], latest: [] };
        },
        { ttlSeconds: 60, tags: [forYouTag(user), 'mlt:all'] },
      );
      if (loaded) await svc.cache.invalidateTags(forYouTag(user)); // drop the probe's own empty value
      return loaded;
    };
    const first = (await recommendedFor(deps, user, 10)).map((r) => r.id);
    expect(first).toHaveLength(10);
    expect(await probeLoads()).toBe(false);
    // Played behind the cache's back (the bulk play-log loader does not bump the tag): the cached list
    // is still served, without that song, the rest in the same order.
    await recordListens([{ userId: user, songId: first[0]!, startedAt: new Date() }]);
    const second = (await recommendedFor(deps, user, 10)).map((r) => r.id);
    expect(await probeLoads()).toBe(false);
    expect(second).not.toContain(first[0]);
    expect(second.slice(0, 9)).toEqual(first.slice(1));
    expect(second).toHaveLength(10);
    // A play reported through the product drops the cached list (one tag bump).
    const queues = new Queues(workerConnection(), { prefix: `bull-t${uid(4)}` });
    try {
      await reportPlay({ ...deps, queues }, user, {
        eventId: `ev-${uid(8)}`,
        songId: second[0]!,
        startedAt: new Date(),
        playedSec: 100,
        completed: true,
      });
    } finally {
      await queues.close();
    }
    expect(await probeLoads()).toBe(true);
    const third = (await recommendedFor(deps, user, 10)).map((r) => r.id);
    expect(third).toHaveLength(10);
    expect(third).not.toContain(first[0]);
    expect(third).not.toContain(second[0]);
  });

  it('includePlayed scores the history without leaving it out and bypasses the cache', async () => {
    const user = String(log.users[31]!._id);
    const mine = new Set(
      (await ListenerSong.find({ userId: log.users[31]!._id }).lean()).map((r) => String(r.songId)),
    );
    const served = await recommendedFor(deps, user, 50);
    expect(served.some((r) => mine.has(r.id))).toBe(false);
    const all = await recommendedFor(deps, user, 50, { includePlayed: true });
    expect(all.some((r) => mine.has(r.id))).toBe(true);
    // The cached (excluding) list was not replaced by the including one.
    expect((await recommendedFor(deps, user, 50)).map((r) => r.id)).toEqual(served.map((r) => r.id));
  });
});
