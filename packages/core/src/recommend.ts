// "More like this": item–item co-occurrence ("listeners who played X also played Y") computed from
// play events by one MongoDB aggregation pipeline, cosine-normalised so that hits do not dominate,
// stored as top-K neighbours per song (SongNeighbors); and the blend served to the player, with
// content similarity (album, artist, genre) and a popularity fallback for cold songs.
// The pipeline runs on real MongoDB and the dev stand-in alike: no $setWindowFields, no $set stage.
import { PlayEvent, Song, type SongDoc, SongNeighbors, Types } from '@tonearm/db';
import { AppError } from '@tonearm/validators';
import { type QueryFilter, trusted } from 'mongoose';
import type { CoreDeps } from './deps';
import { type SongDto, toSongDto } from './dto';

export type NeighborsOptions = {
  /** Only plays this recent count (days). */
  windowDays?: number;
  /** Neighbours kept per song. */
  topK?: number;
  /** Distinct songs per listener taken into pairs: bounds the quadratic pair step per listener. */
  maxSongsPerListener?: number;
  /** Pairs seen by fewer listeners are noise. */
  minCoListeners?: number;
  /** Shrinks scores of pairs with little support: score × c / (c + shrink). */
  shrink?: number;
  /** Recompute only songs whose co-occurrences changed since the last run (default), or all. */
  mode?: 'incremental' | 'full';
  /** Clock for the window (tests, offline evaluation). */
  now?: Date;
};

export type NeighborsRun = {
  mode: 'incremental' | 'full';
  /** Songs whose neighbour rows were recomputed. */
  songs: number;
  rowsWritten: number;
  listeners: number;
  tookMs: number;
  watermark: string | null;
};

const WATERMARK_KEY = 'recs:neighbors:watermark';
export const CacheNsMlt = 'mlt';
export const mltTag = (songId: string) => `mlt:${songId}`;

/**
 * The co-occurrence pipeline. Distinct (listener, song) pairs in the window; per song its listener
 * count n; per listener a basket of songs each carrying its n; then every ordered pair (a, b) of a
 * basket where a is a seed, counted over listeners (c), scored c / √(n_a·n_b) (cosine over binary
 * listener vectors), and the top K per a. `seeds` limits which rows are computed (incremental).
 */
export function neighborsPipeline(opts: {
  since: Date;
  seeds: Types.ObjectId[] | null;
  topK: number;
  maxSongsPerListener: number;
  minCoListeners: number;
  shrink: number;
}): Record<string, unknown>[] {
  const seedFilter = opts.seeds
    ? [
        { $match: { 'items.s': { $in: opts.seeds } } },
        {
          $addFields: {
            seeds: { $filter: { input: '$items', as: 'i', cond: { $in: ['$$i.s', opts.seeds] } } },
          },
        },
      ]
    : [{ $addFields: { seeds: '$items' } }];
  return [
    { $match: { startedAt: { $gte: opts.since } } },
    { $group: { _id: { s: '$songId', u: '$userId' } } },
    { $group: { _id: '$_id.s', users: { $push: '$_id.u' }, n: { $sum: 1 } } },
    { $unwind: '$users' },
    { $group: { _id: '$users', items: { $push: { s: '$_id', n: '$n' } } } },
    { $match: { 'items.1': { $exists: true } } },
    { $addFields: { items: { $slice: ['$items', opts.maxSongsPerListener] } } },
    ...seedFilter,
    { $unwind: '$seeds' },
    { $unwind: '$items' },
    { $match: { $expr: { $ne: ['$seeds.s', '$items.s'] } } },
    {
      $group: {
        _id: { a: '$seeds.s', b: '$items.s' },
        c: { $sum: 1 },
        na: { $first: '$seeds.n' },
        nb: { $first: '$items.n' },
      },
    },
    { $match: { c: { $gte: opts.minCoListeners } } },
    {
      $addFields: {
        score: {
          $multiply: [
            { $divide: ['$c', { $sqrt: { $multiply: ['$na', '$nb'] } }] },
            { $divide: ['$c', { $add: ['$c', opts.shrink] }] },
          ],
        },
      },
    },
    { $sort: { '_id.a': 1, score: -1, '_id.b': 1 } },
    { $group: { _id: '$_id.a', neighbors: { $push: { songId: '$_id.b', score: '$score' } } } },
    { $project: { _id: 1, neighbors: { $slice: ['$neighbors', opts.topK] } } },
  ];
}

/**
 * Recomputes neighbour rows. Incremental: the songs in the baskets of listeners with plays inserted
 * since the watermark (exactly the rows whose co-occurrence counts changed); full: every song.
 * Idempotent (rows are replaced, the watermark only moves forward after the writes).
 */
export async function refreshSongNeighbors(
  deps: Pick<CoreDeps, 'redis' | 'cache'>,
  opts: NeighborsOptions = {},
): Promise<NeighborsRun> {
  const t0 = performance.now();
  const now = opts.now ?? new Date();
  const since = new Date(now.getTime() - (opts.windowDays ?? 180) * 86_400_000);
  const stored = await deps.redis.get(WATERMARK_KEY);
  const mode = opts.mode === 'full' || !stored ? 'full' : 'incremental';

  // The newest insertion this run covers; plays inserted during the run wait for the next one.
  const newest = await PlayEvent.findOne({}, { createdAt: 1 }).sort({ createdAt: -1 }).lean();
  const upTo = newest?.createdAt ?? null;
  let seeds: Types.ObjectId[] | null = null;
  let listeners = 0;
  if (mode === 'incremental') {
    if (!upTo || upTo.getTime() <= Number(stored)) {
      return {
        mode,
        songs: 0,
        rowsWritten: 0,
        listeners: 0,
        tookMs: performance.now() - t0,
        watermark: stored,
      };
    }
    const fresh = await PlayEvent.aggregate<{ _id: Types.ObjectId }>([
      { $match: { createdAt: { $gt: new Date(Number(stored)), $lte: upTo } } },
      { $group: { _id: '$userId' } },
    ]);
    listeners = fresh.length;
    const touched = await PlayEvent.aggregate<{ _id: Types.ObjectId }>([
      { $match: { userId: { $in: fresh.map((f) => f._id) }, startedAt: { $gte: since } } },
      { $group: { _id: '$songId' } },
    ]);
    seeds = touched.map((t) => t._id);
  }

  const rows = await PlayEvent.aggregate<{
    _id: Types.ObjectId;
    neighbors: { songId: Types.ObjectId; score: number }[];
  }>(
    neighborsPipeline({
      since,
      seeds,
      topK: opts.topK ?? 50,
      maxSongsPerListener: opts.maxSongsPerListener ?? 300,
      minCoListeners: opts.minCoListeners ?? 2,
      shrink: opts.shrink ?? 3,
    }) as never,
  ).allowDiskUse(true);

  const computedAt = new Date();
  const written = new Set(rows.map((r) => String(r._id)));
  for (let i = 0; i < rows.length; i += 1_000) {
    await SongNeighbors.bulkWrite(
      rows.slice(i, i + 1_000).map((r) => ({
        updateOne: {
          filter: { songId: r._id },
          update: { $set: { neighbors: r.neighbors, computedAt } },
          upsert: true,
        },
      })),
      { ordered: false },
    );
  }
  // Seeds whose pairs all fell below the support threshold lose their stale rows.
  const emptied = (seeds ?? []).filter((s) => !written.has(String(s)));
  if (mode === 'full') {
    await SongNeighbors.updateMany(
      { computedAt: trusted({ $lt: computedAt }) },
      { $set: { neighbors: [], computedAt } },
    );
  } else if (emptied.length) {
    await SongNeighbors.updateMany(
      { songId: trusted({ $in: emptied }) },
      { $set: { neighbors: [], computedAt } },
    );
  }
  const changed = mode === 'full' ? null : [...written, ...emptied.map(String)];
  if (changed) await Promise.all(changed.map((id) => deps.cache.invalidateTags(mltTag(id))));
  else await deps.cache.invalidateTags('mlt:all');
  if (upTo) await deps.redis.set(WATERMARK_KEY, String(upTo.getTime()));
  return {
    mode,
    songs: mode === 'full' ? rows.length : (seeds?.length ?? 0),
    rowsWritten: rows.length,
    listeners,
    tookMs: Math.round(performance.now() - t0),
    watermark: upTo ? upTo.toISOString() : stored,
  };
}

// --- serving ----------------------------------------------------------------------------

export type Reason = 'listeners' | 'album' | 'artist' | 'genre' | 'popular';
export type Recommendation = SongDto & { score: number; reasons: Reason[] };

/**
 * How much each signal weighs in the blend; collaborative evidence leads when it exists.
 * `listenersPopularity` mixes a song's popularity into its collaborative score (0 = pure cosine).
 */
export const MLT_WEIGHTS = {
  listeners: 1,
  listenersPopularity: 0,
  album: 0.3,
  artist: 0.25,
  genre: 0.1,
  popular: 0.05,
};
const W = MLT_WEIGHTS;

/**
 * Songs like `songId`: collaborative neighbours blended with same album, artist and genre, and chart
 * hits when that is not enough (a cold song, a new catalog). Never the song itself, never a song
 * that is not ready to play. Cached per song; the neighbours job invalidates it.
 */
export async function moreLikeThis(
  deps: CoreDeps,
  songId: string,
  limit = 10,
  opts: { forUserId?: string | null; includePlayed?: boolean } = {},
): Promise<Recommendation[]> {
  // Signed in: leave out what the listener already plays (unless asked), so fetch enough to spare.
  const played =
    opts.forUserId && !opts.includePlayed
      ? await listenerSongs(opts.forUserId, 500)
      : new Map<string, Taste>();
  const want = Math.min(limit * 2 + 5 + played.size, 300);
  const candidates = await deps.cache.getOrLoad(CacheNsMlt, `${songId}:${want}`, () => blend(songId, want), {
    ttlSeconds: 600,
    tags: [mltTag(songId), 'mlt:all'],
  });
  if (candidates === null) throw AppError.notFound('Song');
  const fresh = candidates.filter((c) => !played.has(c.id) && c.id !== songId);
  // Cached lists may predate a song losing its media: one indexed query re-checks playability.
  const ids = fresh.slice(0, limit * 2).map((c) => new Types.ObjectId(c.id));
  const ready = await Song.find({ _id: trusted({ $in: ids }), 'media.status': 'ready' }, { _id: 1 }).lean();
  const ok = new Set(ready.map((r) => String(r._id)));
  return fresh.filter((c) => ok.has(c.id)).slice(0, limit);
}

/** One listener's relation to one song: how often and how lately they played it. */
type Taste = { plays: number; last: Date };

/** The distinct songs a listener has played (most recent first, at most `max`), from play events. */
export async function listenerSongs(userId: string, max: number): Promise<Map<string, Taste>> {
  const rows = await PlayEvent.aggregate<{ _id: Types.ObjectId; plays: number; last: Date }>([
    { $match: { userId: new Types.ObjectId(userId) } },
    { $group: { _id: '$songId', plays: { $sum: 1 }, last: { $max: '$startedAt' } } },
    { $sort: { last: -1 } },
    { $limit: max },
  ]);
  return new Map(rows.map((r) => [String(r._id), { plays: r.plays, last: r.last }]));
}

async function blend(songId: string, want: number): Promise<Recommendation[] | null> {
  const song = await Song.findById(songId).lean<SongDoc>();
  if (!song) return null;
  const self = song._id;
  const scores = new Map<string, { score: number; reasons: Set<Reason> }>();
  const add = (id: Types.ObjectId | string, w: number, why: Reason) => {
    const k = String(id);
    if (k === String(self)) return;
    const e = scores.get(k) ?? { score: 0, reasons: new Set<Reason>() };
    e.score += w;
    e.reasons.add(why);
    scores.set(k, e);
  };

  const row = await SongNeighbors.findOne({ songId: self }).lean();
  const neighbors = (row?.neighbors ?? []).filter((n) => n.songId && typeof n.score === 'number');
  const top = Math.max(...neighbors.map((n) => n.score as number), 0);
  const cfPlays = new Map<string, number>();
  if (W.listenersPopularity > 0 && neighbors.length) {
    const docs = await Song.find(
      { _id: trusted({ $in: neighbors.map((n) => n.songId) }) },
      { playCount: 1 },
    ).lean();
    for (const d of docs) cfPlays.set(String(d._id), Math.log1p(d.playCount ?? 0));
  }
  const cfMax = Math.max(1, ...cfPlays.values());
  for (const n of neighbors) {
    const pop = (cfPlays.get(String(n.songId)) ?? 0) / cfMax;
    const prior = 1 - W.listenersPopularity + W.listenersPopularity * pop;
    add(n.songId!, (W.listeners * prior * (n.score as number)) / (top || 1), 'listeners');
  }

  const ready: QueryFilter<SongDoc> = { _id: trusted({ $ne: self }), 'media.status': 'ready' };
  const fields = { _id: 1, playCount: 1 };
  const [album, artist, genre] = await Promise.all([
    song.albumId
      ? Song.find({ ...ready, albumId: song.albumId }, fields)
          .sort({ playCount: -1 })
          .limit(want)
          .lean()
      : [],
    Song.find({ ...ready, artistId: song.artistId }, fields)
      .sort({ playCount: -1 })
      .limit(want)
      .lean(),
    song.genre
      ? Song.find({ ...ready, genre: song.genre }, fields)
          .sort({ playCount: -1 })
          .limit(want)
          .lean()
      : [],
  ]);
  const maxPlays = Math.log1p(Math.max(1, ...[...album, ...artist, ...genre].map((s) => s.playCount ?? 0)));
  const pop = (p: number | null | undefined) => Math.log1p(p ?? 0) / maxPlays;
  for (const s of album) add(s._id, W.album * (0.5 + 0.5 * pop(s.playCount)), 'album');
  for (const s of artist) add(s._id, W.artist * (0.5 + 0.5 * pop(s.playCount)), 'artist');
  for (const s of genre) add(s._id, W.genre * (0.5 + 0.5 * pop(s.playCount)), 'genre');

  if (scores.size < want) {
    const popular = await Song.find(ready, fields).sort({ playCount: -1, _id: 1 }).limit(want).lean();
    for (const [i, s] of popular.entries()) add(s._id, W.popular * (1 - i / popular.length), 'popular');
  }

  const ranked = [...scores.entries()].sort((a, b) => b[1].score - a[1].score).slice(0, want);
  const docs = await Song.find({
    _id: trusted({ $in: ranked.map(([id]) => new Types.ObjectId(id)) }),
    'media.status': 'ready',
  }).lean<SongDoc[]>();
  const byId = new Map(docs.map((d) => [String(d._id), d]));
  const out: Recommendation[] = [];
  for (const [id, e] of ranked) {
    const d = byId.get(id);
    if (!d) continue;
    out.push({ ...toSongDto(d), score: Math.round(e.score * 1e4) / 1e4, reasons: [...e.reasons] });
  }
  return out;
}

/** Songs of the history scored (the most recent); a plays weight halves every HALF_LIFE_DAYS. */
const FOR_YOU_HISTORY = 300;
const HALF_LIFE_DAYS = 60;

/**
 * "Recommended for you": the listener's whole history (up to 300 most recent distinct songs) scored
 * item-item: each song they play weighs (1 + ln plays) × ½^(age / 60 days), and a candidate's score
 * is the sum over history of weight × its neighbour similarity (the precomputed song_neighbors rows,
 * one query). Nothing they already play comes back unless `includePlayed`. A thin history (no
 * neighbour rows) falls back to "More like this" of the latest songs (album, artist, genre), then the
 * charts.
 */
export async function recommendedFor(
  deps: CoreDeps,
  userId: string,
  limit = 10,
  opts: { includePlayed?: boolean; now?: Date } = {},
): Promise<Recommendation[]> {
  const history = await listenerSongs(userId, FOR_YOU_HISTORY);
  const now = (opts.now ?? new Date()).getTime();
  const heard = opts.includePlayed ? new Set<string>() : new Set(history.keys());
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
      { songId: 1, neighbors: 1 },
    ).lean();
    for (const row of rows) {
      const t = history.get(String(row.songId));
      if (!t) continue;
      const age = Math.max(0, now - t.last.getTime()) / 86_400_000;
      const w = (1 + Math.log(t.plays)) * 0.5 ** (age / HALF_LIFE_DAYS);
      for (const nb of row.neighbors ?? [])
        if (nb.songId && typeof nb.score === 'number') bump(String(nb.songId), w * nb.score, 'listeners');
    }
  }
  if (scores.size < limit && history.size) {
    // Thin history: content similarity of the latest songs.
    const latest = [...history.keys()].slice(0, 3);
    const lists = await Promise.all(latest.map((id) => moreLikeThis(deps, id, limit).catch(() => [])));
    for (const [i, list] of lists.entries())
      for (const rec of list) for (const why of rec.reasons) bump(rec.id, (0.001 * rec.score) / (i + 1), why);
  }
  const ranked = [...scores.entries()].sort((a, b) => b[1].score - a[1].score).slice(0, limit * 2);
  const docs = ranked.length
    ? await Song.find({
        _id: trusted({ $in: ranked.map(([id]) => new Types.ObjectId(id)) }),
        'media.status': 'ready',
      }).lean<SongDoc[]>()
    : [];
  const byId = new Map(docs.map((d) => [String(d._id), d]));
  const out: Recommendation[] = [];
  for (const [id, e] of ranked) {
    const d = byId.get(id);
    if (d && out.length < limit)
      out.push({ ...toSongDto(d), score: Math.round(e.score * 1e4) / 1e4, reasons: [...e.reasons] });
  }
  if (out.length < limit) {
    const have = new Set(out.map((o) => o.id));
    const popular = await Song.find({ 'media.status': 'ready' })
      .sort({ playCount: -1, _id: 1 })
      .limit(limit + heard.size + out.length)
      .lean<SongDoc[]>();
    for (const d of popular) {
      const id = String(d._id);
      if (out.length >= limit) break;
      if (heard.has(id) || have.has(id)) continue;
      out.push({ ...toSongDto(d), score: 0, reasons: ['popular'] });
    }
  }
  return out;
}
