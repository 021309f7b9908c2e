// "More like this" and "For you": item–item similarity ("listeners who played X also played Y")
// computed by the neighbour job from the per-listener rows (listener_songs, kept by every play
// report), stored as top-K neighbours and the served blend per song (song_neighbors), and read on
// the serving path only by _id or single-field indexes (the dev stand-in ignores compound ones).
// The arithmetic lives in recs-sim.ts, shared with the offline evaluation.
import {
  ListenerIndex,
  ListenerSong,
  RecsDirty,
  Song,
  type SongDoc,
  SongListeners,
  SongNeighbors,
  Types,
} from '@tonearm/db';
import { AppError } from '@tonearm/validators';
import { type QueryFilter, trusted } from 'mongoose';
import type { CoreDeps } from './deps';
import { type SongDto, toSongDto } from './dto';
import {
  Baskets,
  blendCandidates,
  type Candidate,
  DEFAULT_FOR_YOU,
  DEFAULT_SIM,
  MLT_SIM,
  packCandidates,
  packNeighbors,
  type Reason,
  type SimOptions,
  scoreHistory,
  similarityRows,
  type Taste,
  unpackCandidates,
  unpackNeighbors,
} from './recs-sim';

export {
  DEFAULT_SIM,
  MLT_SIM,
  MLT_WEIGHTS,
  type Reason,
  type SimOptions,
  unpackCandidates,
  unpackNeighbors,
} from './recs-sim';

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
export const CacheNsMlt = 'mlt';
export const mltTag = (songId: string) => `mlt:${songId}`;
/** Candidates precomputed per song for "More like this" (enough to leave out what a listener plays). */
export const MLT_PRECOMPUTED = 100;

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

// --- serving ----------------------------------------------------------------------------

export type Recommendation = SongDto & { score: number; reasons: Reason[] };

/**
 * Songs like `songId`: the blend precomputed by the neighbour job (one row read by songId), or, for
 * a song the job has not seen yet, the same blend computed on the spot (cached). Never the song
 * itself, never a song that is not ready to play; signed in, never what the listener already plays
 * unless `includePlayed`.
 */
export async function moreLikeThis(
  deps: CoreDeps,
  songId: string,
  limit = 10,
  opts: { forUserId?: string | null; includePlayed?: boolean } = {},
): Promise<Recommendation[]> {
  if (!Types.ObjectId.isValid(songId)) throw AppError.notFound('Song');
  const played =
    opts.forUserId && !opts.includePlayed ? await listenerSongIds(opts.forUserId) : new Set<string>();
  const keep = (c: Candidate) => !played.has(c.id) && c.id !== songId;
  let fresh = (await mltCandidates(deps, songId, MLT_PRECOMPUTED)).filter(keep);
  if (fresh.length < limit * 2 && played.size) {
    // A listener who plays most of the precomputed list: blend deeper on the spot.
    const want = Math.min(limit * 2 + 5 + played.size, 1_000);
    fresh = (await mltCandidates(deps, songId, want, true)).filter(keep);
  }
  return withDocs(fresh.slice(0, limit * 2), limit);
}

async function mltCandidates(
  deps: CoreDeps,
  songId: string,
  want: number,
  live = false,
): Promise<Candidate[]> {
  const list = await deps.cache.getOrLoad(
    CacheNsMlt,
    `${songId}:${want}`,
    async () => {
      if (!live) {
        const row = await SongNeighbors.findOne(
          { songId: new Types.ObjectId(songId) },
          { packedSimilar: 1 },
        ).lean();
        const similar = unpackCandidates(row?.packedSimilar);
        if (similar.length) return similar;
      }
      return blendOnTheSpot(songId, want);
    },
    { ttlSeconds: 600, tags: [mltTag(songId), 'mlt:all'] },
  );
  if (list === null) throw AppError.notFound('Song');
  return list;
}

/** Candidates → song DTOs, re-checking playability (one query by _id): cached lists may be stale. */
async function withDocs(cands: Candidate[], limit: number): Promise<Recommendation[]> {
  if (!cands.length) return [];
  const docs = await Song.find({
    _id: trusted({ $in: cands.map((c) => new Types.ObjectId(c.id)) }),
    'media.status': 'ready',
  }).lean<SongDoc[]>();
  const byId = new Map(docs.map((d) => [String(d._id), d]));
  const out: Recommendation[] = [];
  for (const c of cands) {
    const d = byId.get(c.id);
    if (d && out.length < limit) out.push({ ...toSongDto(d), score: c.score, reasons: c.reasons });
  }
  return out;
}

/** Every song a listener has played: their listener_index row (one read by _id). */
export async function listenerSongIds(userId: string): Promise<Set<string>> {
  if (!Types.ObjectId.isValid(userId)) return new Set();
  const row = await ListenerIndex.findById(new Types.ObjectId(userId), { songs: 1 }).lean();
  return new Set((row?.songs ?? []).map(String));
}

/**
 * The distinct songs a listener has played with plays and latest play, most recent first, at most
 * `max` (the most recently added to their index): reads by _id only.
 */
export async function listenerSongs(userId: string, max = 1_000): Promise<Map<string, Taste>> {
  if (!Types.ObjectId.isValid(userId)) return new Map();
  const row = await ListenerIndex.findById(new Types.ObjectId(userId), { songs: 1 }).lean();
  const songs = (row?.songs ?? []).slice(-max).map(String);
  if (!songs.length) return new Map();
  const rows = await ListenerSong.find(
    { _id: trusted({ $in: songs.map((s) => `${userId}:${s}`) }) },
    { songId: 1, plays: 1, last: 1 },
  ).lean();
  rows.sort((a, b) => b.last.getTime() - a.last.getTime());
  return new Map(rows.map((r) => [String(r.songId), { plays: r.plays ?? 1, last: r.last }]));
}

/** The blend on the spot, for a song without a precomputed row (added since the last job run). */
export async function blendOnTheSpot(songId: string, want: number): Promise<Candidate[] | null> {
  const song = await Song.findById(songId).lean<SongDoc>();
  if (!song) return null;
  const self = song._id;
  const row = await SongNeighbors.findOne({ songId: self }, { packed: 1 }).lean();
  const neighbors = unpackNeighbors(row?.packed).map((n) => ({ id: n.song, score: n.score }));
  const ready: QueryFilter<SongDoc> = { _id: trusted({ $ne: self }), 'media.status': 'ready' };
  const fields = { _id: 1, playCount: 1 };
  const find = (q: QueryFilter<SongDoc>) =>
    Song.find({ ...ready, ...q }, fields)
      .sort({ playCount: -1, _id: 1 })
      .limit(want)
      .lean()
      .then((xs) => xs.map((x) => ({ id: String(x._id), playCount: x.playCount })));
  const [album, artist, genre] = await Promise.all([
    song.albumId ? find({ albumId: song.albumId }) : [],
    find({ artistId: song.artistId }),
    song.genre ? find({ genre: song.genre }) : [],
  ]);
  const enough = new Set([...neighbors, ...album, ...artist, ...genre].map((x) => x.id)).size >= want;
  const popular = enough ? [] : await find({});
  return blendCandidates({ self: String(self), neighbors, album, artist, genre, popular, want });
}

/** History songs scored (the most recent): bounds the one $in query on song_neighbors. */
const FOR_YOU_HISTORY = 1_000;

/**
 * "Recommended for you": the listener's whole history (their listener_songs rows, up to 1,000 most
 * recent songs) scored item-item (scoreHistory, recs-sim.ts): each song they play weighs
 * (1 + ln plays) × ½^(age / 60 days), and a candidate's score is the sum over the history of that
 * weight × its similarity in the precomputed song_neighbors rows (one query by songId). Nothing they
 * already play comes back unless `includePlayed`. A history without neighbour rows falls back to
 * "More like this" of the latest songs (album, artist, genre), then the charts.
 */
export async function recommendedFor(
  deps: CoreDeps,
  userId: string,
  limit = 10,
  opts: { includePlayed?: boolean; now?: Date } = {},
): Promise<Recommendation[]> {
  const [ids, history] = await Promise.all([listenerSongIds(userId), listenerSongs(userId, FOR_YOU_HISTORY)]);
  const now = (opts.now ?? new Date()).getTime();
  const heard = opts.includePlayed ? new Set<string>() : ids;
  const scores = new Map<string, { score: number; reasons: Set<Reason> }>();
  const bump = (id: string, w: number, why: Reason) => {
    if (heard.has(id)) return;
    const e = scores.get(id) ?? { score: 0, reasons: new Set<Reason>() };
    e.score += w;
    e.reasons.add(why);
    scores.set(id, e);
  };
  if (history.size) {
    const rows = await SongNeighbors.find(
      { songId: trusted({ $in: [...history.keys()].map((id) => new Types.ObjectId(id)) }) },
      { songId: 1, packed: 1 },
    ).lean();
    const scored = scoreHistory(
      history,
      rows.map((r) => ({
        song: String(r.songId),
        neighbors: unpackNeighbors(r.packed),
      })),
      now,
      DEFAULT_FOR_YOU,
      heard,
    );
    for (const [id, v] of scored) bump(id, v, 'listeners');
  }
  if (scores.size < limit && history.size) {
    // Thin history: content similarity of the latest songs.
    const latest = [...history.keys()].slice(0, 3);
    const lists = await Promise.all(latest.map((id) => moreLikeThis(deps, id, limit).catch(() => [])));
    for (const [i, list] of lists.entries())
      for (const rec of list) for (const why of rec.reasons) bump(rec.id, (0.001 * rec.score) / (i + 1), why);
  }
  if (scores.size < limit) {
    // The charts (precomputed by the neighbour job into every row's blend; here the cached top songs).
    const popular = await Song.find({ 'media.status': 'ready' }, { _id: 1 })
      .sort({ playCount: -1, _id: 1 })
      .limit(limit + heard.size + scores.size)
      .lean();
    for (const [i, d] of popular.entries()) bump(String(d._id), 1e-9 * (1 - i / popular.length), 'popular');
  }
  const ranked = [...scores.entries()]
    .sort((a, b) => b[1].score - a[1].score || (a[0] < b[0] ? -1 : 1))
    .slice(0, limit * 2)
    .map(([id, e]) => ({ id, score: Math.round(e.score * 1e4) / 1e4, reasons: [...e.reasons] }));
  return withDocs(ranked, limit);
}
