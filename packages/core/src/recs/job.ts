// The neighbour job: "More like this" and "For you" rows computed in the worker from the per-listener
// rows (listener_songs, listener_index, song_listeners; packages/db/src/models-recs.ts) and streamed to
// song_neighbors. Serving reads those rows (../recommend.ts). The arithmetic is in ../recs-sim.ts.
import {
  ListenerIndex,
  ListenerSong,
  RecsDirty,
  Song,
  SongListeners,
  SongNeighbors,
  Types,
} from '@tonearm/db';
import { trusted } from 'mongoose';
import type { CoreDeps } from '../deps';
import {
  Baskets,
  blendCandidates,
  DEFAULT_SIM,
  MLT_SIM,
  packCandidates,
  packNeighbors,
  type SimOptions,
  similarityRows,
} from '../recs-sim';

export const CacheNsMlt = 'mlt';
export const mltTag = (songId: string) => `mlt:${songId}`;
/** Candidates precomputed per song for "More like this" (enough to leave out what a listener plays). */
export const MLT_PRECOMPUTED = 100;

export type NeighborsOptions = Partial<SimOptions> & {
  /** The similarity of the "More like this" blend (default MLT_SIM). */
  mlt?: Partial<SimOptions>;
  /** Only listens this recent count (days). */
  windowDays?: number;
  /** Distinct songs per listener taken into pairs (the most recent): bounds the pair step. */
  maxSongsPerListener?: number;
  /** Recompute only songs whose co-occurrences changed since the last run (default), or all. */
  mode?: 'incremental' | 'full';
  /** Clock for the window (tests, offline evaluation). */
  now?: Date;
  /** Rows per write. */
  batch?: number;
};

export type NeighborsRun = {
  mode: 'incremental' | 'full';
  /** Songs whose neighbour rows were recomputed. */
  songs: number;
  rowsWritten: number;
  listeners: number;
  /** (listener, song) rows read. */
  pairsRead: number;
  tookMs: number;
  watermark: string | null;
};

const WATERMARK_KEY = 'recs:neighbors:watermark';

type Meta = {
  _id: Types.ObjectId;
  artistId?: Types.ObjectId | null;
  albumId?: Types.ObjectId | null;
  genre?: string | null;
  playCount?: number | null;
  media?: { status?: string | null } | null;
};

/** Documents by _id, in chunks (the only index the dev stand-in has besides unique ones). */
async function byIds<T>(
  model: { find: (q: object, p: object) => { lean: () => Promise<unknown> } },
  ids: Types.ObjectId[],
  projection: object,
): Promise<(T & { _id: Types.ObjectId })[]> {
  const out: (T & { _id: Types.ObjectId })[] = [];
  for (let i = 0; i < ids.length; i += 5_000)
    out.push(
      ...((await model
        .find({ _id: trusted({ $in: ids.slice(i, i + 5_000) }) }, projection)
        .lean()) as never[]),
    );
  return out;
}

/** Reads (listener, song) rows into baskets, each listener's most recent `max` songs. */
async function loadBaskets(
  filter: Record<string, unknown>,
  since: Date,
  max: number,
  into = new Baskets(),
): Promise<{ baskets: Baskets; pairs: number; users: Set<string> }> {
  const per = new Map<string, { s: string; t: number }[]>();
  let pairs = 0;
  const cursor = ListenerSong.find({ ...filter }, { userId: 1, songId: 1, last: 1 })
    .lean()
    .batchSize(5_000)
    .cursor();
  for await (const r of cursor) {
    if (r.last < since) continue;
    pairs++;
    const u = String(r.userId);
    const list = per.get(u) ?? [];
    list.push({ s: String(r.songId), t: r.last.getTime() });
    per.set(u, list);
  }
  for (const [u, list] of per) {
    if (list.length > max) list.sort((a, b) => b.t - a.t).length = max;
    for (const x of list) into.add(u, x.s);
  }
  return { baskets: into, pairs, users: new Set(per.keys()) };
}

/** The catalog's content signals in memory (one projection cursor): album, artist, genre, charts. */
async function loadContent() {
  const songs: Meta[] = [];
  const cursor = Song.find({}, { artistId: 1, albumId: 1, genre: 1, playCount: 1, 'media.status': 1 })
    .lean<Meta[]>()
    .batchSize(5_000)
    .cursor();
  for await (const s of cursor) songs.push(s as Meta);
  const ready = songs
    .filter((s) => s.media?.status === 'ready')
    .sort((a, b) => (b.playCount ?? 0) - (a.playCount ?? 0) || (String(a._id) < String(b._id) ? -1 : 1));
  const group = (key: (s: Meta) => string | null) => {
    const m = new Map<string, { id: string; playCount: number }[]>();
    for (const s of ready) {
      const k = key(s);
      if (!k) continue;
      const list = m.get(k) ?? [];
      if (list.length <= MLT_PRECOMPUTED) list.push({ id: String(s._id), playCount: s.playCount ?? 0 });
      m.set(k, list);
    }
    return m;
  };
  return {
    byId: new Map(songs.map((s) => [String(s._id), s])),
    album: group((s) => (s.albumId ? String(s.albumId) : null)),
    artist: group((s) => (s.artistId ? String(s.artistId) : null)),
    genre: group((s) => s.genre ?? null),
    popular: ready
      .slice(0, MLT_PRECOMPUTED + 1)
      .map((s) => ({ id: String(s._id), playCount: s.playCount ?? 0 })),
  };
}

/**
 * Recomputes neighbour rows and the served "More like this" blend, streaming them to song_neighbors
 * in batches. Full: every listener row in the window and every song of the catalog. Incremental: the
 * listeners whose rows changed since the watermark (listener_songs.updatedAt), the songs in their
 * baskets (exactly the rows whose co-occurrence counts changed), and the baskets of those songs'
 * listeners; other songs' listener counts come from their stored rows. Memory: the loaded baskets
 * (O(listener-song pairs)) and one accumulator per song, never the pairs of pairs. Idempotent (rows
 * replaced, the watermark only moves forward after the writes).
 */
export async function refreshSongNeighbors(
  deps: Pick<CoreDeps, 'redis' | 'cache'>,
  opts: NeighborsOptions = {},
): Promise<NeighborsRun> {
  const t0 = performance.now();
  const now = opts.now ?? new Date();
  const since = new Date(now.getTime() - (opts.windowDays ?? 180) * 86_400_000);
  const max = opts.maxSongsPerListener ?? 300;
  // The similarity options given override DEFAULT_SIM (setting α alone leaves β at 1 − α).
  const given = Object.fromEntries(
    (['topK', 'minCoListeners', 'shrink', 'alpha', 'beta', 'userWeight'] as const)
      .filter((k) => opts[k] !== undefined)
      .map((k) => [k, opts[k]]),
  ) as Partial<SimOptions>;
  const sim: SimOptions = { ...DEFAULT_SIM, ...given };
  if (given.alpha !== undefined && given.beta === undefined) delete sim.beta;
  const mltSim: SimOptions = { ...MLT_SIM, ...opts.mlt };
  const stored = await deps.redis.get(WATERMARK_KEY);
  const mode = opts.mode === 'full' || !stored ? 'full' : 'incremental';
  // The listeners with plays not folded in yet; plays reported during the run wait for the next one.
  const runStart = new Date();
  const dirty = await RecsDirty.find({}, { _id: 1, at: 1 }).lean();
  const idle = (): NeighborsRun => ({
    mode,
    songs: 0,
    rowsWritten: 0,
    listeners: 0,
    pairsRead: 0,
    tookMs: Math.round(performance.now() - t0),
    watermark: stored,
  });

  let baskets: Baskets;
  let pairs = 0;
  let seeds: number[];
  let listeners = 0;
  let listenersOf: ((s: number) => number) | undefined;
  if (mode === 'incremental') {
    if (!dirty.length) return idle();
    listeners = dirty.length;
    // Their songs are the seeds (every pair whose count changed has one); the seeds' listeners'
    // baskets give the seeds' co-occurrences. All reads by _id.
    const touched = await byIds<{ songs?: Types.ObjectId[] }>(
      ListenerIndex,
      dirty.map((d) => d._id),
      { songs: 1 },
    );
    const seedIds = [...new Set(touched.flatMap((t) => (t.songs ?? []).map(String)))];
    const coRows = await byIds<{ users?: Types.ObjectId[] }>(
      SongListeners,
      seedIds.map((id) => new Types.ObjectId(id)),
      { users: 1 },
    );
    const coUsers = [...new Set(coRows.flatMap((r) => (r.users ?? []).map(String)))];
    baskets = new Baskets();
    for (const row of await byIds<{ songs?: Types.ObjectId[] }>(
      ListenerIndex,
      coUsers.map((u) => new Types.ObjectId(u)),
      { songs: 1 },
    )) {
      const songs = (row.songs ?? []).slice(-max); // the most recently added
      pairs += songs.length;
      for (const song of songs) baskets.add(String(row._id), String(song));
    }
    pairs += touched.length + coRows.length;
    const seedSet = new Set(seedIds);
    seeds = seedIds.map((s) => baskets.indexOf(s)).filter((i): i is number => i !== undefined);
    // Non-seed songs got no new listener: their stored count is current.
    const others = baskets.songKeys.filter((k) => !seedSet.has(k));
    const storedN = new Map<string, number>();
    for (let i = 0; i < others.length; i += 5_000) {
      const rows = await SongNeighbors.find(
        { songId: trusted({ $in: others.slice(i, i + 5_000).map((k) => new Types.ObjectId(k)) }) },
        { songId: 1, listenerCount: 1 },
      ).lean();
      for (const r of rows) storedN.set(String(r.songId), r.listenerCount ?? 0);
    }
    listenersOf = (s) => storedN.get(baskets.songKeys[s]!) ?? baskets.listeners(s);
  } else {
    const loaded = await loadBaskets({}, since, max);
    baskets = loaded.baskets;
    pairs = loaded.pairs;
    listeners = loaded.users.size;
    seeds = baskets.songKeys.map((_, i) => i);
  }
  baskets.freeze();

  const content = await loadContent();
  const computedAt = new Date();
  const written = new Set<string>();
  let batch: Record<string, unknown>[] = [];
  const flush = async () => {
    if (!batch.length) return;
    await SongNeighbors.bulkWrite(batch as never, { ordered: false });
    batch = [];
  };
  const push = async (
    songId: string,
    listenersN: number,
    neighbors: { song: string; score: number }[],
    mltNeighbors: { song: string; score: number }[],
  ) => {
    const meta = content.byId.get(songId);
    if (!meta) return; // plays of a song since deleted
    const similar = blendCandidates({
      self: songId,
      neighbors: mltNeighbors.map((n) => ({ id: n.song, score: n.score })),
      album: meta.albumId ? (content.album.get(String(meta.albumId)) ?? []) : [],
      artist: meta.artistId ? (content.artist.get(String(meta.artistId)) ?? []) : [],
      genre: meta.genre ? (content.genre.get(meta.genre) ?? []) : [],
      popular: content.popular,
      want: MLT_PRECOMPUTED,
    }).filter((c) => content.byId.get(c.id)?.media?.status === 'ready');
    written.add(songId);
    batch.push({
      updateOne: {
        filter: { songId: new Types.ObjectId(songId) },
        update: {
          $set: {
            packed: packNeighbors(neighbors),
            listenerCount: listenersN,
            packedSimilar: packCandidates(similar),
            computedAt,
          },
        },
        upsert: true,
      },
    });
    if (batch.length >= (opts.batch ?? 500)) await flush();
  };
  // Two similarities over the same baskets, row by row: "For you" and the "More like this" blend.
  const mltRows = similarityRows(baskets, seeds, mltSim, listenersOf);
  for (const row of similarityRows(baskets, seeds, sim, listenersOf)) {
    const m = mltRows.next();
    await push(row.song, row.listeners, row.neighbors, m.done ? [] : m.value.neighbors);
  }
  // Full: songs nobody played in the window still get their content blend (cold songs).
  if (mode === 'full') for (const id of content.byId.keys()) if (!written.has(id)) await push(id, 0, [], []);
  await flush();
  if (mode === 'full') await SongNeighbors.deleteMany({ computedAt: trusted({ $lt: computedAt }) }); // rows of deleted songs

  if (mode === 'full') await deps.cache.invalidateTags('mlt:all');
  else await Promise.all([...written].map((id) => deps.cache.invalidateTags(mltTag(id))));
  // Done with these listeners, unless they played again during the run (their `at` moved on).
  const done = dirty.filter((d) => d.at <= runStart).map((d) => d._id);
  for (let i = 0; i < done.length; i += 5_000)
    await RecsDirty.deleteMany({
      _id: trusted({ $in: done.slice(i, i + 5_000) }),
      at: trusted({ $lte: runStart }),
    });
  await deps.redis.set(WATERMARK_KEY, String(runStart.getTime()));
  return {
    mode,
    songs: seeds.length,
    rowsWritten: written.size,
    listeners,
    pairsRead: pairs,
    tookMs: Math.round(performance.now() - t0),
    watermark: runStart.toISOString(),
  };
}
