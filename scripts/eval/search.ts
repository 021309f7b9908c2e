// `pnpm eval search <file> [--names <name<TAB>plays file>]`: recall@1 and @5 of the shipped embedded
// index (EmbeddedSearchIndex over MiniSearch, the same ranking rules as Atlas) for each
// `query<TAB>expected<TAB>kind` line, over a catalog of real names as distractors (default: the
// 17,632 Last.fm artists of HetRec 2011, popularity = their listeners' total plays). An expected
// name missing from the catalog is added with 0 plays. A result is right when it is the expected name up
// to case, accents and punctuation (the two datasets capitalise "The"/"the" differently), judged by
// a fixed comparison of its own (`sameName`), not the engine's folding: a folding rule of the engine
// ("KoЯn" = "Korn") must not change what counts as right, nor which names the catalog holds.
import { EmbeddedSearchIndex, type IndexEntry } from '@tonearm/core';
import type { SearchCase } from './files';

export type SearchEval = {
  n: number;
  catalog: number;
  recallAt1: number;
  recallAt5: number;
  topResultAt1: number;
  /** Every query whose answer is not first; rank -1 when it is not in the top 5. */
  /** `got`: the results, or the closest matches when there are none (`fromClosest`). */
  misses: {
    q: string;
    expected: string;
    got: string[];
    rank: number;
    closest: number;
    fromClosest: boolean;
  }[];
  /** Queries with no result whose answer is the first closest match ("No exact match — closest matches"). */
  closestAt1: number;
  p50Ms: number;
};

/**
 * The eval's own, fixed notion of the same name: the engine's folding as it was when these runs
 * began (percent-decoding, accents, case, ø/æ/ß…, "&"/"+" = "and", everything but letters and digits
 * dropped), kept here so later folding rules of the engine change neither the judge nor the catalog.
 */
export function sameName(s: string): string {
  let t = s;
  if (/%[0-9a-f]{2}/i.test(t))
    try {
      t = decodeURIComponent(t);
    } catch {
      t = t.replace(/%20/gi, ' ');
    }
  const letters: Record<string, string> = { ø: 'o', œ: 'oe', æ: 'ae', ß: 'ss', đ: 'd', ł: 'l' };
  return t
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[øœæßđł]/g, (c) => letters[c] ?? c)
    .replace(/[&+]/g, 'and')
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

/** The cases split in two halves by a seeded shuffle (mulberry32), to check a gain on both. */
export function halves<T>(cases: T[], seed: number): [T[], T[]] {
  let a = seed >>> 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const idx = cases.map((_, i) => i);
  for (let i = idx.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  const h = Math.ceil(cases.length / 2);
  return [idx.slice(0, h).map((i) => cases[i]!), idx.slice(h).map((i) => cases[i]!)];
}

export function evaluateSearch(cases: SearchCase[], names: { name: string; plays: number }[]): SearchEval {
  const idx = new EmbeddedSearchIndex();
  const hex = (i: number) => i.toString(16).padStart(24, '0');
  const entries: IndexEntry[] = [];
  const seen = new Set<string>();
  const add = (kind: SearchCase['kind'], name: string, plays: number) => {
    // The same name up to case, accents and punctuation is the same artist in two datasets.
    const k = `${kind}\u0000${sameName(name)}`;
    if (seen.has(k)) return;
    seen.add(k);
    const id = hex(entries.length + 1);
    if (kind === 'artist') entries.push({ kind, id, name, playCount: plays });
    else if (kind === 'album')
      entries.push({ kind, id, title: name, artistId: hex(0), artistName: '', playCount: plays });
    else
      entries.push({
        kind,
        id,
        title: name,
        artistId: hex(0),
        artistName: '',
        albumId: null,
        albumTitle: null,
        playCount: plays,
      });
  };
  for (const n of names) add('artist', n.name, n.plays);
  for (const c of cases) add(c.kind, c.expected, 0);
  idx.upsert(entries);

  let at1 = 0;
  let at5 = 0;
  let top1 = 0;
  let closestAt1 = 0;
  const misses: SearchEval['misses'] = [];
  const times: number[] = [];
  for (const c of cases) {
    const t0 = performance.now();
    const r = idx.searchSync({ q: c.q, limit: 5 });
    times.push(performance.now() - t0);
    const namesOf = (g: Pick<typeof r, 'songs' | 'artists' | 'albums'>) =>
      c.kind === 'artist'
        ? g.artists.map((a) => a.name)
        : c.kind === 'album'
          ? g.albums.map((a) => a.title)
          : g.songs.map((s) => s.title);
    const want = sameName(c.expected);
    const got = namesOf(r);
    const rank = got.findIndex((g) => sameName(g) === want);
    if (rank === 0) at1++;
    if (rank >= 0 && rank < 5) at5++;
    // Closest matches (shown apart, "No exact match — closest matches") are counted apart, never in recall.
    const closest = r.closest ? namesOf(r.closest) : [];
    const closestRank = closest.findIndex((g) => sameName(g) === want);
    if (closestRank === 0) closestAt1++;
    if (rank !== 0)
      misses.push({
        q: c.q,
        expected: c.expected,
        got: got.length ? got : closest,
        rank,
        closest: closestRank,
        fromClosest: !got.length && closest.length > 0,
      });
    const top = r.top ? (r.top.kind === 'artist' ? r.top.hit.name : r.top.hit.title) : null;
    if (top !== null && sameName(top) === want && r.top?.kind === c.kind) top1++;
  }
  times.sort((a, b) => a - b);
  return {
    n: cases.length,
    catalog: idx.size,
    recallAt1: at1 / cases.length,
    recallAt5: at5 / cases.length,
    topResultAt1: top1 / cases.length,
    misses,
    closestAt1: closestAt1 / cases.length,
    p50Ms: times[Math.floor(times.length / 2)] ?? 0,
  };
}
