// The arithmetic of the recommendations, free of any database: item–item similarity over listener
// baskets (the neighbour job streams its rows from here), the blend "More like this" serves, and the
// whole-history scoring of "For you". The offline evaluation (scripts/eval/recs.ts) sweeps the same
// functions, so what it compares is what ships.
// Why one file: the similarity, the blend and the scoring share their option types and the packed row
// format, and the evaluation imports them together; each is a pure function tested in recs-sim.test.ts.

export type SimOptions = {
  /** Neighbours kept per song. */
  topK: number;
  /** Pairs seen by fewer listeners are dropped. */
  minCoListeners: number;
  /** score × c / (c + shrink): shrinks pairs with little support. */
  shrink: number;
  /**
   * Asymmetric cosine: C / (n_a^α · n_b^(1−α)). 0.5 is cosine; higher α divides less by the
   * candidate's own popularity (1 = conditional probability P(b | a)), lower α penalises hubs more.
   */
  alpha: number;
  /** Exponent of the candidate's listener count n_b (default 1 − α); RP3β's popularity penalty. */
  beta?: number;
  /** Locality: the score raised to this power (> 1 lets strong neighbours dominate a sum). */
  power?: number;
  /**
   * How much one co-listener counts: 'binary' (1 each) or 'idf' (1 / ln(e − 1 + basket size): a
   * listener who plays everything says less about any one pair, BM25's saturation on the user side),
   * or 'inverse' (1 / basket size: the random walk item → listener → item of P3/RP3β).
   */
  userWeight: 'binary' | 'idf' | 'inverse';
};

/**
 * "For you" neighbours: RP3β (β = 0.3) — the two-step walk song → listener → song, divided by the
 * candidate's listener count to the 0.3. Chosen by `pnpm eval recs --sweep` (docs/SEARCH.md).
 */
export const DEFAULT_SIM: SimOptions = {
  topK: 200,
  minCoListeners: 1,
  shrink: 0,
  alpha: 1,
  beta: 0.3,
  userWeight: 'inverse',
};

/**
 * "More like this" neighbours: asymmetric cosine α = 0.9 with idf-weighted listeners (one seed, so
 * little division by the candidate's popularity; heavy listeners count less). Same sweep.
 */
export const MLT_SIM: SimOptions = {
  topK: 100,
  minCoListeners: 1,
  shrink: 0,
  alpha: 0.9,
  userWeight: 'idf',
};

/**
 * Listener baskets in index space: songs and listeners are numbered as they are added, so the pair
 * step runs over typed arrays with one dense accumulator (memory O(songs + pairs), never O(pairs²)).
 */
export class Baskets {
  readonly songKeys: string[] = [];
  private readonly songIdx = new Map<string, number>();
  private readonly userIdx = new Map<string, number>();
  readonly basket: number[][] = [];
  readonly usersOf: number[][] = [];
  private frozen = false;

  song(key: string): number {
    let i = this.songIdx.get(key);
    if (i === undefined) {
      i = this.songKeys.length;
      this.songIdx.set(key, i);
      this.songKeys.push(key);
      this.usersOf.push([]);
    }
    return i;
  }
  indexOf(key: string): number | undefined {
    return this.songIdx.get(key);
  }
  /** Adds one (listener, song) pair; pairs must be distinct. */
  add(user: string, song: string): void {
    if (this.frozen) throw new Error('Baskets are frozen');
    let u = this.userIdx.get(user);
    if (u === undefined) {
      u = this.basket.length;
      this.userIdx.set(user, u);
      this.basket.push([]);
    }
    const s = this.song(song);
    this.basket[u]!.push(s);
    this.usersOf[s]!.push(u);
  }
  get users(): number {
    return this.basket.length;
  }
  /** Listeners of a song among the loaded baskets. */
  listeners(s: number): number {
    return this.usersOf[s]?.length ?? 0;
  }
  freeze(): this {
    this.frozen = true;
    return this;
  }
}

export type SimRow = { song: string; listeners: number; neighbors: { song: string; score: number }[] };

/**
 * Neighbour rows for `seeds` (song indexes), one at a time, so the caller can write them as they come.
 * `listenersOf` gives n for songs whose listeners are not all loaded (the incremental run); the
 * default counts the loaded baskets.
 */
export function* similarityRows(
  b: Baskets,
  seeds: Iterable<number>,
  opts: SimOptions,
  listenersOf: (s: number) => number = (s) => b.listeners(s),
): Generator<SimRow> {
  const S = b.songKeys.length;
  const acc = new Float64Array(S);
  const cnt = new Int32Array(S);
  const touched: number[] = [];
  const uw = b.basket.map((items) =>
    opts.userWeight === 'idf'
      ? 1 / Math.log(Math.E - 1 + items.length)
      : opts.userWeight === 'inverse'
        ? 1 / items.length
        : 1,
  );
  const beta = opts.beta ?? 1 - opts.alpha;
  const power = opts.power ?? 1;
  for (const a of seeds) {
    const na = b.listeners(a);
    for (const u of b.usersOf[a] ?? []) {
      const w = uw[u]!;
      for (const s of b.basket[u]!) {
        if (s === a) continue;
        if (cnt[s] === 0) touched.push(s);
        cnt[s]!++;
        acc[s]! += w;
      }
    }
    const out: { song: number; score: number }[] = [];
    const powA = na ** opts.alpha;
    for (const s of touched) {
      const c = cnt[s]!;
      if (c >= opts.minCoListeners) {
        const nb = Math.max(listenersOf(s), c);
        let score = acc[s]! / (powA * nb ** beta);
        if (opts.shrink > 0) score *= c / (c + opts.shrink);
        if (power !== 1) score **= power;
        out.push({ song: s, score });
      }
      cnt[s] = 0;
      acc[s] = 0;
    }
    touched.length = 0;
    out.sort((x, y) => y.score - x.score || (b.songKeys[x.song]! < b.songKeys[y.song]! ? -1 : 1));
    yield {
      song: b.songKeys[a]!,
      listeners: na,
      neighbors: out.slice(0, opts.topK).map((o) => ({ song: b.songKeys[o.song]!, score: o.score })),
    };
  }
}

// --- "More like this": the blend ------------------------------------------------------------

export type Reason = 'listeners' | 'album' | 'artist' | 'genre' | 'popular';

/** How much each signal weighs in the blend; collaborative evidence leads when it exists. */
export const MLT_WEIGHTS = { listeners: 1, album: 0.3, artist: 0.25, genre: 0.1, popular: 0.05 };

export type Candidate = { id: string; score: number; reasons: Reason[] };
type Pop = { id: string; playCount?: number | null };

/**
 * Collaborative neighbours (normalised to the row's best) blended with same album, artist and genre
 * (each scaled by popularity), and chart hits when that is not `want` songs. Never `self`.
 */
export function blendCandidates(input: {
  self: string;
  neighbors: { id: string; score: number }[];
  album: Pop[];
  artist: Pop[];
  genre: Pop[];
  popular: Pop[];
  want: number;
}): Candidate[] {
  const W = MLT_WEIGHTS;
  const scores = new Map<string, { score: number; reasons: Set<Reason> }>();
  const add = (id: string, w: number, why: Reason) => {
    if (id === input.self) return;
    const e = scores.get(id) ?? { score: 0, reasons: new Set<Reason>() };
    e.score += w;
    e.reasons.add(why);
    scores.set(id, e);
  };
  const top = Math.max(0, ...input.neighbors.map((n) => n.score));
  for (const n of input.neighbors) add(n.id, (W.listeners * n.score) / (top || 1), 'listeners');
  const content = [...input.album, ...input.artist, ...input.genre];
  const maxPlays = Math.log1p(Math.max(1, ...content.map((s) => s.playCount ?? 0)));
  const pop = (p: number | null | undefined) => Math.log1p(p ?? 0) / maxPlays;
  for (const s of input.album) add(s.id, W.album * (0.5 + 0.5 * pop(s.playCount)), 'album');
  for (const s of input.artist) add(s.id, W.artist * (0.5 + 0.5 * pop(s.playCount)), 'artist');
  for (const s of input.genre) add(s.id, W.genre * (0.5 + 0.5 * pop(s.playCount)), 'genre');
  if (scores.size < input.want)
    for (const [i, s] of input.popular.entries())
      add(s.id, W.popular * (1 - i / input.popular.length), 'popular');
  return [...scores.entries()]
    .sort((a, b) => b[1].score - a[1].score || (a[0] < b[0] ? -1 : 1))
    .slice(0, input.want)
    .map(([id, e]) => ({ id, score: Math.round(e.score * 1e4) / 1e4, reasons: [...e.reasons] }));
}

// --- "For you": the whole history ----------------------------------------------------------

export type Taste = { plays: number; last: Date };
export type ForYouOptions = {
  /** A history song's weight halves every this many days since its last play (Infinity: no decay). */
  halfLifeDays: number;
  /** (1 + ln plays) per history song, or 1. */
  playWeight: 'log' | 'binary';
  /**
   * A history song's weight × its listener count to this power (its row's `listeners`): rows of songs
   * many people play rest on more evidence. 0 = every history song counts alike.
   */
  seedListeners: number;
};
/**
 * Chosen on `pnpm eval recs` (docs/SEARCH.md): seedListeners 0.2 (+0.001 to +0.003 recall@10) and a
 * one-year half-life: the public data has no play times, the evaluation spreads them at random over
 * 170 days, and a 60-day half-life then cost 0.004–0.006 recall@10 (the product's whole gap to item
 * cosine); 365 days costs nothing there and still lets this year's taste lead.
 */
export const DEFAULT_FOR_YOU: ForYouOptions = { halfLifeDays: 365, playWeight: 'log', seedListeners: 0.2 };

/**
 * A candidate's score is the sum over the listener's history of the history song's weight (plays,
 * recency, its listener count) × the candidate's similarity in that song's neighbour row. Songs in
 * `exclude` (by default the history) are left out.
 */
export function scoreHistory(
  history: Map<string, Taste>,
  rows: Iterable<{ song: string; listeners?: number; neighbors: { song: string; score: number }[] }>,
  now: number,
  opts: ForYouOptions = DEFAULT_FOR_YOU,
  exclude: { has(k: string): boolean } = history,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const row of rows) {
    const t = history.get(row.song);
    if (!t) continue;
    const age = Math.max(0, now - t.last.getTime()) / 86_400_000;
    const w =
      (opts.playWeight === 'log' ? 1 + Math.log(Math.max(1, t.plays)) : 1) *
      0.5 ** (age / opts.halfLifeDays) *
      (opts.seedListeners ? Math.max(1, row.listeners ?? 1) ** opts.seedListeners : 1);
    for (const nb of row.neighbors) {
      if (exclude.has(nb.song)) continue;
      out.set(nb.song, (out.get(nb.song) ?? 0) + w * nb.score);
    }
  }
  return out;
}

// --- packed rows ------------------------------------------------------------------------------

const REASONS: Reason[] = ['listeners', 'album', 'artist', 'genre', 'popular'];
const asBuffer = (b: unknown): Buffer | null => {
  if (!b) return null;
  if (Buffer.isBuffer(b)) return b;
  const inner = (b as { buffer?: Uint8Array }).buffer;
  return inner ? Buffer.from(inner.buffer, inner.byteOffset, inner.byteLength) : null;
};

/** Neighbours (24-hex ids) → 16 bytes each: the id, then the score as float32. */
export function packNeighbors(list: { song: string; score: number }[]): Buffer {
  const out = Buffer.alloc(list.length * 16);
  for (const [i, n] of list.entries()) {
    out.write(n.song, i * 16, 12, 'hex');
    out.writeFloatLE(n.score, i * 16 + 12);
  }
  return out;
}
export function unpackNeighbors(b: unknown): { song: string; score: number }[] {
  const buf = asBuffer(b);
  if (!buf) return [];
  const out: { song: string; score: number }[] = [];
  for (let o = 0; o + 16 <= buf.length; o += 16)
    out.push({ song: buf.toString('hex', o, o + 12), score: buf.readFloatLE(o + 12) });
  return out;
}
/** Candidates → 17 bytes each: id, float32 score, a bitmask of reasons. */
export function packCandidates(list: Candidate[]): Buffer {
  const out = Buffer.alloc(list.length * 17);
  for (const [i, c] of list.entries()) {
    out.write(c.id, i * 17, 12, 'hex');
    out.writeFloatLE(c.score, i * 17 + 12);
    out.writeUInt8(
      c.reasons.reduce((m, r) => m | (1 << REASONS.indexOf(r)), 0),
      i * 17 + 16,
    );
  }
  return out;
}
export function unpackCandidates(b: unknown): Candidate[] {
  const buf = asBuffer(b);
  if (!buf) return [];
  const out: Candidate[] = [];
  for (let o = 0; o + 17 <= buf.length; o += 17) {
    const mask = buf.readUInt8(o + 16);
    out.push({
      id: buf.toString('hex', o, o + 12),
      score: Math.round(buf.readFloatLE(o + 12) * 1e4) / 1e4,
      reasons: REASONS.filter((_, i) => mask & (1 << i)),
    });
  }
  return out;
}
