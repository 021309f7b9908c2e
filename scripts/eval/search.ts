// `pnpm eval search <file> [--names <name<TAB>plays file>]`: recall@1 and @5 of the shipped embedded
// index (EmbeddedSearchIndex over MiniSearch, the same ranking rules as Atlas) for each
// `query<TAB>expected<TAB>kind` line, over a catalog of real names as distractors (default: the
// 17,632 Last.fm artists of HetRec 2011, popularity = their listeners' total plays). An expected
// name missing from the catalog is added with 0 plays. A result is right when it is the expected name up
// to case, accents and punctuation (the two datasets capitalise "The"/"the" differently).
import { compact, EmbeddedSearchIndex, type IndexEntry } from '@tonearm/core';
import type { SearchCase } from './files';

export type SearchEval = {
  n: number;
  catalog: number;
  recallAt1: number;
  recallAt5: number;
  topResultAt1: number;
  /** Every query whose answer is not first; rank -1 when it is not in the top 5. */
  misses: { q: string; expected: string; got: string[]; rank: number }[];
  p50Ms: number;
};

export function evaluateSearch(cases: SearchCase[], names: { name: string; plays: number }[]): SearchEval {
  const idx = new EmbeddedSearchIndex();
  const hex = (i: number) => i.toString(16).padStart(24, '0');
  const entries: IndexEntry[] = [];
  const seen = new Set<string>();
  const add = (kind: SearchCase['kind'], name: string, plays: number) => {
    // The same name up to case, accents and punctuation is the same artist in two datasets.
    const k = `${kind}\u0000${compact(name)}`;
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
  const misses: SearchEval['misses'] = [];
  const times: number[] = [];
  for (const c of cases) {
    const t0 = performance.now();
    const r = idx.searchSync({ q: c.q, limit: 5 });
    times.push(performance.now() - t0);
    const got =
      c.kind === 'artist'
        ? r.artists.map((a) => a.name)
        : c.kind === 'album'
          ? r.albums.map((a) => a.title)
          : r.songs.map((s) => s.title);
    const want = compact(c.expected);
    const rank = got.findIndex((g) => compact(g) === want);
    if (rank === 0) at1++;
    if (rank >= 0 && rank < 5) at5++;
    if (rank !== 0) misses.push({ q: c.q, expected: c.expected, got, rank });
    const top = r.top ? (r.top.kind === 'artist' ? r.top.hit.name : r.top.hit.title) : null;
    if (top !== null && compact(top) === want && r.top?.kind === c.kind) top1++;
  }
  times.sort((a, b) => a - b);
  return {
    n: cases.length,
    catalog: idx.size,
    recallAt1: at1 / cases.length,
    recallAt5: at5 / cases.length,
    topResultAt1: top1 / cases.length,
    misses,
    p50Ms: times[Math.floor(times.length / 2)] ?? 0,
  };
}
