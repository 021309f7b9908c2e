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
  unpackNeighbors,
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
  /**
   * Incremental: listeners of a newly played song whose baskets are read to recompute its row (its
   * latest listeners): bounds what one play of a hit costs; above it the row is estimated from them.
   */
  maxListenersPerSong?: number;
  /** Recompute only songs whose co-occurrences changed since the last run (default), or all. */
  mode?: 'incremental' | 'full';
  /** Clock for the window (tests, offline evaluation). */
  now?: Date;
  /** Rows per write. */
  batch?: number;
};

export type NeighborsRun = {
  mode: 'incremental' | 'full';
  /** Songs whose neighbour rows were recomputed from their listeners' baskets. */
  songs: number;
  /** Incremental: rows patched with the new pairs' scores (the other songs of the new pairs' listeners). */
  patched: number;
  /** Incremental: first plays of a (listener, song) pair folded in. */
  newPairs: number;
  rowsWritten: number;
  listeners: number;
  /** (listener, song) rows read. */
  pairsRead: number;
  tookMs: number;
  watermark: string | null;
};

const WATERMARK_KEY = 'recs:neighbors:watermark';

type Pop = { id: string; playCount: number };
type Content = {
  byId: Map<string, Meta>;
  album: Map<string, Pop[]>;
  artist: Map<string, Pop[]>;
  genre: Map<string, Pop[]>;
  popular: Pop[];
};

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
async function loadContent(): Promise<Content> {
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
 * The content signals of the last run, kept by the worker process: an incremental run reuses them for
 * up to an hour (album, artist, genre and chart order change slowly; serving re-checks playability),
 * unless a song it writes is missing from them. A full run always reloads.
 */
let snapshot: { at: number; content: Content } | undefined;
const CONTENT_TTL_MS = 60 * 60_000;
async function contentFor(fresh: boolean, ids: Iterable<string>): Promise<Content> {
  const c = snapshot?.content;
  if (!fresh && c && Date.now() - snapshot!.at < CONTENT_TTL_MS && [...ids].every((id) => c.byId.has(id)))
    return c;
  const content = await loadContent();
  snapshot = { at: Date.now(), content };
  return content;
}

const oid = (id: string) => new Types.ObjectId(id);
type Nb = { song: string; score: number };
const byScore = (x: Nb, y: Nb) => y.score - x.score || (x.song < y.song ? -1 : 1);

/**
 * Recomputes neighbour rows and the served "More like this" blend, streaming them to song_neighbors
 * in batches of `batch` rows (never all rows in memory).
 *
 * Full (nightly): every listener row in the window (each listener's `maxSongsPerListener` most recent
 * songs), every song of the catalog. Memory: the baskets (O(listener-song pairs)), one accumulator per
 * song, never the pairs of pairs.
 *
 * Incremental (every 10 minutes): work proportional to the first plays of a (listener, song) pair
 * since the last run (recs_dirty, written by recordListen; a replay changes no co-occurrence and
 * costs nothing). For each new pair (u, s):
 * - row s is recomputed exactly from the baskets of s's listeners (its latest `maxListenersPerSong`),
 *   all read by _id (song_listeners, listener_index);
 * - every other song a in u's basket gets its entry for s patched in its stored row: the co-occurrence
 *   of (a, s) is symmetric, so row s's score for a converts to row a's score for s with the two
 *   listener counts; row a is rewritten only if s is in its top K before or after.
 * Left for the nightly full run (documented drift): the change of u's weight (1/basket size) on u's
 * other pairs, and other rows' scores of s through s's new listener count.
 * Idempotent (rows replaced; recs_dirty entries deleted only after the writes).
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
  // The listeners with new pairs not folded in yet; pairs reported during the run wait for the next one.
  const runStart = new Date();
  const dirty = await RecsDirty.find({}, { _id: 1, at: 1, added: 1 }).lean();
  const out = {
    mode,
    songs: 0,
    patched: 0,
    newPairs: 0,
    rowsWritten: 0,
    listeners: 0,
    pairsRead: 0,
  } satisfies Partial<NeighborsRun>;
  const finish = async (written: Set<string>): Promise<NeighborsRun> => {
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
      ...out,
      rowsWritten: written.size,
      tookMs: Math.round(performance.now() - t0),
      watermark: runStart.toISOString(),
    };
  };

  const computedAt = new Date();
  const written = new Set<string>();
  let content: Content | undefined;
  let batch: Record<string, unknown>[] = [];
  const flush = async () => {
    if (!batch.length) return;
    await SongNeighbors.bulkWrite(batch as never, { ordered: false });
    batch = [];
  };
  const push = async (songId: string, listenersN: number, neighbors: Nb[], mltNeighbors: Nb[] | null) => {
    const meta = content!.byId.get(songId);
    if (!meta) return; // plays of a song since deleted
    const set: Record<string, unknown> = {
      packed: packNeighbors(neighbors),
      listenerCount: listenersN,
      computedAt,
    };
    if (mltNeighbors) {
      const similar = blendCandidates({
        self: songId,
        neighbors: mltNeighbors.map((n) => ({ id: n.song, score: n.score })),
        album: meta.albumId ? (content!.album.get(String(meta.albumId)) ?? []) : [],
        artist: meta.artistId ? (content!.artist.get(String(meta.artistId)) ?? []) : [],
        genre: meta.genre ? (content!.genre.get(meta.genre) ?? []) : [],
        popular: content!.popular,
        want: MLT_PRECOMPUTED,
      }).filter((c) => content!.byId.get(c.id)?.media?.status === 'ready');
      set.packedMlt = packNeighbors(mltNeighbors);
      set.packedSimilar = packCandidates(similar);
    }
    written.add(songId);
    batch.push({ updateOne: { filter: { songId: oid(songId) }, update: { $set: set }, upsert: true } });
    if (batch.length >= (opts.batch ?? 500)) await flush();
  };

  if (mode === 'full') {
    const loaded = await loadBaskets({}, since, max);
    const baskets = loaded.baskets.freeze();
    out.pairsRead = loaded.pairs;
    out.listeners = loaded.users.size;
    const seeds = baskets.songKeys.map((_, i) => i);
    out.songs = seeds.length;
    content = await contentFor(true, []);
    // Two similarities over the same baskets, row by row: "For you" and the "More like this" blend.
    const mltRows = similarityRows(baskets, seeds, mltSim);
    for (const row of similarityRows(baskets, seeds, sim)) {
      const m = mltRows.next();
      await push(row.song, row.listeners, row.neighbors, m.done ? [] : m.value.neighbors);
    }
    // Songs nobody played in the window still get their content blend (cold songs).
    for (const id of content.byId.keys()) if (!written.has(id)) await push(id, 0, [], []);
    await flush();
    await SongNeighbors.deleteMany({ computedAt: trusted({ $lt: computedAt }) }); // rows of deleted songs
    return finish(written);
  }

  // --- incremental ---------------------------------------------------------------------------
  const added = new Map<string, string[]>(); // listener → songs they played for the first time
  for (const d of dirty) if (d.added?.length) added.set(String(d._id), d.added.map(String));
  const newSongs = [...new Set([...added.values()].flat())];
  out.newPairs = [...added.values()].reduce((n, l) => n + l.length, 0);
  out.listeners = added.size;
  if (!newSongs.length) return finish(written);
  const capL = opts.maxListenersPerSong ?? 500;
  const songRows = await byIds<{ users?: Types.ObjectId[] }>(SongListeners, newSongs.map(oid), { users: 1 });
  const nTrue = new Map(songRows.map((r) => [String(r._id), r.users?.length ?? 0]));
  const readers = new Set<string>(added.keys());
  for (const r of songRows) for (const u of (r.users ?? []).slice(-capL)) readers.add(String(u));
  const baskets = new Baskets();
  const basketOf = new Map<string, string[]>();
  out.pairsRead = songRows.length;
  for (const row of await byIds<{ songs?: Types.ObjectId[] }>(ListenerIndex, [...readers].map(oid), {
    songs: 1,
  })) {
    const songs = (row.songs ?? []).slice(-max).map(String); // the most recently added
    out.pairsRead += songs.length;
    const u = String(row._id);
    for (const s of songs) baskets.add(u, s);
    if (added.has(u)) basketOf.set(u, songs);
  }
  baskets.freeze();
  const isNew = new Set(newSongs);
  const seeds = newSongs.map((s) => baskets.indexOf(s)).filter((i): i is number => i !== undefined);
  out.songs = seeds.length;
  // Which rows get which new song: a ∈ basket(u) for every new pair (u, s).
  const needs = new Map<string, Set<string>>(); // s → songs a whose row gets s
  for (const [u, songs] of added)
    for (const s of songs) {
      const set = needs.get(s) ?? new Set<string>();
      for (const a of basketOf.get(u) ?? []) if (!isNew.has(a)) set.add(a);
      needs.set(s, set);
    }
  const toPatch = new Set([...needs.values()].flatMap((x) => [...x]));
  // Stored rows: the listener count of every other song in the loaded baskets, and the rows to patch.
  const storedN = new Map<string, number>();
  const patchRows = new Map<string, { n: number; sim: Nb[]; mlt: Nb[] | null }>();
  const others = baskets.songKeys.filter((k) => !isNew.has(k) && !toPatch.has(k));
  for (let i = 0; i < others.length; i += 5_000)
    for (const r of await SongNeighbors.find(
      { songId: trusted({ $in: others.slice(i, i + 5_000).map(oid) }) },
      { songId: 1, listenerCount: 1 },
    ).lean())
      storedN.set(String(r.songId), r.listenerCount ?? 0);
  const patchIds = [...toPatch];
  for (let i = 0; i < patchIds.length; i += 2_000)
    for (const r of await SongNeighbors.find(
      { songId: trusted({ $in: patchIds.slice(i, i + 2_000).map(oid) }) },
      { songId: 1, listenerCount: 1, packed: 1, packedMlt: 1 },
    ).lean()) {
      const k = String(r.songId);
      storedN.set(k, r.listenerCount ?? 0);
      patchRows.set(k, {
        n: r.listenerCount ?? 0,
        sim: unpackNeighbors(r.packed),
        mlt: r.packedMlt ? unpackNeighbors(r.packedMlt) : null,
      });
    }
  const listenersOf = (i: number) => {
    const k = baskets.songKeys[i]!;
    return nTrue.get(k) ?? storedN.get(k) ?? baskets.listeners(i);
  };
  content = await contentFor(false, [...newSongs, ...patchRows.keys()]);

  // Row s's score for a → row a's score for s (same co-occurrence, the two listener counts swapped;
  // a hub read from a sample of its listeners has its co-occurrence scaled to all of them).
  const convert = (o: SimOptions, score: number, nsUsed: number, nsTrue: number, na: number) => {
    const beta = o.beta ?? 1 - o.alpha;
    const p = o.power ?? 1;
    const acc = score ** (1 / p) * nsUsed ** o.alpha * na ** beta * (nsTrue / Math.max(1, nsUsed));
    return (acc / (na ** o.alpha * nsTrue ** beta)) ** p;
  };
  const all = (o: SimOptions) => ({ ...o, topK: Number.MAX_SAFE_INTEGER });
  const patchSim = new Map<string, Map<string, number>>(); // a → s → new score (0: drop)
  const patchMlt = new Map<string, Map<string, number>>();
  const collect = (into: Map<string, Map<string, number>>, o: SimOptions, s: string, row: SimRowLike) => {
    const want = needs.get(s);
    if (!want?.size) return;
    const found = new Set<string>();
    for (const nb of row.neighbors)
      if (want.has(nb.song)) {
        found.add(nb.song);
        const m = into.get(nb.song) ?? new Map<string, number>();
        m.set(
          s,
          convert(o, nb.score, row.listeners, nTrue.get(s) ?? row.listeners, patchRows.get(nb.song)?.n ?? 1),
        );
        into.set(nb.song, m);
      }
    for (const a of want)
      if (!found.has(a)) into.set(a, (into.get(a) ?? new Map<string, number>()).set(s, 0));
  };
  const mltRows = similarityRows(baskets, seeds, all(mltSim), listenersOf);
  for (const row of similarityRows(baskets, seeds, all(sim), listenersOf)) {
    const m = mltRows.next();
    const mrow = m.done ? { song: row.song, listeners: row.listeners, neighbors: [] } : m.value;
    collect(patchSim, sim, row.song, row);
    collect(patchMlt, mltSim, row.song, mrow);
    await push(
      row.song,
      nTrue.get(row.song) ?? row.listeners,
      row.neighbors.slice(0, sim.topK),
      mrow.neighbors.slice(0, mltSim.topK),
    );
  }
  const apply = (list: Nb[], patch: Map<string, number> | undefined, k: number): Nb[] | null => {
    if (!patch?.size) return null;
    const had = new Set(list.map((n) => n.song));
    const last = list.length >= k ? list[list.length - 1]!.score : 0;
    // Unchanged when no patched song is in the row and none would enter it.
    if (![...patch].some(([s, v]) => had.has(s) || (v > 0 && (list.length < k || v > last)))) return null;
    const next = list.filter((n) => !patch.has(n.song));
    for (const [s, v] of patch) if (v > 0) next.push({ song: s, score: v });
    return next.sort(byScore).slice(0, k);
  };
  for (const [a, row] of patchRows) {
    const simNext = apply(row.sim, patchSim.get(a), sim.topK);
    const mltNext = row.mlt ? apply(row.mlt, patchMlt.get(a), mltSim.topK) : null;
    if (!simNext && !mltNext) continue;
    out.patched++;
    // mltNext null: the stored "More like this" blend is kept.
    await push(a, row.n, simNext ?? row.sim, mltNext);
  }
  await flush();
  return finish(written);
}

type SimRowLike = { song: string; listeners: number; neighbors: Nb[] };
