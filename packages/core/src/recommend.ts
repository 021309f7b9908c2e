// "More like this" and "For you": item–item similarity ("listeners who played X also played Y")
// computed by the neighbour job (recs/job.ts) from the per-listener rows (listener_songs, kept by every
// play report), stored as top-K neighbours and the served blend per song (song_neighbors), and read on
// the serving path only by _id or single-field indexes (the dev stand-in ignores compound ones).
// The arithmetic lives in recs-sim.ts, shared with the offline evaluation.
import { ListenerIndex, ListenerSong, Song, type SongDoc, SongNeighbors, Types } from '@tonearm/db';
import { AppError } from '@tonearm/validators';
import { type QueryFilter, trusted } from 'mongoose';
import type { CoreDeps } from './deps';
import { type SongDto, toSongDto } from './dto';
import { CacheNsMlt, MLT_PRECOMPUTED, mltTag } from './recs/job';
import {
  blendCandidates,
  type Candidate,
  DEFAULT_FOR_YOU,
  type Reason,
  scoreHistory,
  type Taste,
  unpackCandidates,
  unpackNeighbors,
} from './recs-sim';

export {
  CacheNsMlt,
  MLT_PRECOMPUTED,
  mltTag,
  type NeighborsOptions,
  type NeighborsRun,
  refreshSongNeighbors,
} from './recs/job';
export {
  DEFAULT_SIM,
  MLT_SIM,
  MLT_WEIGHTS,
  type Reason,
  type SimOptions,
  unpackCandidates,
  unpackNeighbors,
} from './recs-sim';

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
