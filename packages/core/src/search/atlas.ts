// The Atlas Search adapter: one `$search` pipeline per collection (songs, artists, albums), run in
// parallel. A compound query of exact clauses (whole name on the "joined" analyzer, phrase, words)
// and fuzzy clauses (the whole name, and each word within its length's typo budget), autocomplete for
// the typed word, popularity as a bounded score factor, and Atlas's own highlights; then the rows are
// re-ranked by the same rules as the embedded index (rank.ts) and cut at the relevance floor.
// The index definitions live in ops/atlas/search-index.json (docs/SEARCH.md says how to create them).
import { Album, Artist, Song } from '@tonearm/db';
import type { PipelineStage } from 'mongoose';
import { rerank } from './atlas-rerank';
import { numberSpellings, readWords, type Span, typoBudget, wholeBudget } from './normalize';
import {
  type AlbumHit,
  type ArtistHit,
  DEFAULT_SEARCH_LIMIT,
  MAX_SEARCH_LIMIT,
  type SearchKind,
  type SearchPort,
  type SearchQuery,
  type SearchResults,
  type SongHit,
} from './port';
import { rankQuery } from './rank';

export const ATLAS_INDEX = {
  song: 'tonearm_songs',
  artist: 'tonearm_artists',
  album: 'tonearm_albums',
} as const;

/** Searched paths and their boosts per collection (the embedded index uses the same weights). */
export const ATLAS_PATHS: Record<SearchKind, { path: string; boost: number }[]> = {
  song: [
    { path: 'title', boost: 3 },
    { path: 'artistName', boost: 1.5 },
    { path: 'albumTitle', boost: 1 },
  ],
  artist: [{ path: 'name', boost: 3 }],
  album: [
    { path: 'title', boost: 3 },
    { path: 'artistName', boost: 1.5 },
  ],
};

/** Fuzzy options of a word clause: the edit budget comes from the word's length (rank.ts). */
export const fuzzyFor = (word: string) => ({
  maxEdits: typoBudget(word),
  prefixLength: 0,
  maxExpansions: 50,
});

/** The query with its number words spelt each other way (digits, words, roman), at most three. */
export function numberVariants(q: string): string[] {
  const ws = readWords(q);
  const alts = ws.map(numberSpellings);
  if (alts.every((a) => a.length === 0)) return [];
  const out = new Set<string>();
  for (let k = 0; k < 3; k++) out.add(ws.map((w, i) => alts[i]![k] ?? alts[i]![0] ?? w).join(' '));
  out.delete(ws.join(' '));
  return [...out];
}

/** Candidates fetched per group before the shared ranking rules order them and apply the floor. */
export const ATLAS_OVERFETCH = 3;

/**
 * Builds the aggregation pipeline for one collection. The query is only ever a value, never a key.
 * Compound `should` clauses mirror the ranking tiers (rank.ts) in their boosts: the whole name
 * exactly (joined analyzer) ≫ the phrase ≫ each word exactly ≫ the whole name within its typo budget
 * ≫ each word within its own budget (none under 5 letters, 1 from 5, 2 from 9) or the word being
 * typed as a prefix (autocomplete: a prefix costs what a typo costs). The adapter then re-ranks the
 * rows with the same rules as the embedded index and drops those under the relevance floor.
 */
export function buildAtlasPipeline(kind: SearchKind, q: string, limit: number): PipelineStage[] {
  const paths = ATLAS_PATHS[kind];
  const primary = paths[0]!.path;
  const rq = rankQuery(q);
  const words = rq.required.filter((w) => w.length >= 2);
  const should: Record<string, unknown>[] = [];
  const boost = (value: number) => ({ boost: { value } });
  // The whole name, folded and stripped of everything but letters and digits ("acdc" = "AC/DC").
  should.push({ text: { query: q, path: { value: primary, multi: 'joined' }, score: boost(100) } });
  should.push({ phrase: { query: q, path: primary, score: boost(30) } });
  // The analyzers do not fold numbers: the query's other number spellings ("Close 2 You" → "close
  // two you", "close ii you") get the same exact clauses.
  for (const v of numberVariants(q)) {
    should.push({ text: { query: v, path: { value: primary, multi: 'joined' }, score: boost(100) } });
    should.push({ phrase: { query: v, path: primary, score: boost(30) } });
  }
  for (const { path, boost: b } of paths) {
    for (const w of words) should.push({ text: { query: w, path, score: boost(10 * b) } });
  }
  const whole = wholeBudget(rq.compact);
  if (whole > 0)
    should.push({
      text: {
        query: q,
        path: { value: primary, multi: 'joined' },
        fuzzy: { maxEdits: whole, prefixLength: 0, maxExpansions: 50 },
        score: boost(5),
      },
    });
  for (const { path, boost: b } of paths) {
    for (const w of words)
      if (typoBudget(w) > 0) should.push({ text: { query: w, path, fuzzy: fuzzyFor(w), score: boost(b) } });
  }
  // Search-as-you-type: edge n-grams of the main field for the word being typed, no typo on top.
  should.push({
    autocomplete: { query: q, path: primary, tokenOrder: 'sequential', score: boost(1) },
  });
  const compound: Record<string, unknown> = {
    should,
    minimumShouldMatch: 1,
    // Relevance × (1 + 0.05·ln(1 + playCount)): popularity decides near-ties, never a clear winner.
    score: {
      function: {
        multiply: [
          { score: 'relevance' },
          {
            add: [
              { constant: 1 },
              {
                multiply: [{ constant: 0.05 }, { log1p: { path: { value: 'playCount', undefined: 0 } } }],
              },
            ],
          },
        ],
      },
    },
  };
  // Unplayable songs are never results.
  if (kind === 'song') compound.filter = [{ equals: { path: 'media.status', value: 'ready' } }];

  const project: Record<string, unknown> = {
    _id: 1,
    playCount: 1,
    score: { $meta: 'searchScore' },
    highlights: { $meta: 'searchHighlights' },
  };
  for (const { path } of paths) project[path] = 1;
  if (kind !== 'artist') project.artistId = 1;
  if (kind === 'song') project.albumId = 1;

  return [
    {
      $search: {
        index: ATLAS_INDEX[kind],
        compound,
        highlight: { path: paths.map((p) => p.path), maxNumPassages: 3 },
        // Popularity breaks exact score ties.
        sort: { score: { $meta: 'searchScore', order: -1 }, playCount: -1 },
      },
    } as PipelineStage,
    { $limit: limit * ATLAS_OVERFETCH },
    { $project: project } as PipelineStage,
  ];
}

type AtlasHighlight = { path: string; texts: { value: string; type: 'hit' | 'text' }[] };

/**
 * Atlas returns highlights as passages of hit/text fragments; the UI wants spans of the field's
 * value. Each passage is located in the value and its hit fragments become [start, end) spans.
 */
export function atlasSpans(
  value: string | null | undefined,
  path: string,
  highlights: AtlasHighlight[] = [],
): Span[] {
  if (!value) return [];
  const spans: Span[] = [];
  for (const h of highlights) {
    if (h.path !== path) continue;
    const passage = h.texts.map((t) => t.value).join('');
    let base = value.indexOf(passage);
    if (base < 0) base = 0;
    let at = base;
    for (const t of h.texts) {
      const i = value.indexOf(t.value, at);
      if (i < 0) break;
      if (t.type === 'hit') spans.push([i, i + t.value.length]);
      at = i + t.value.length;
    }
  }
  return spans.sort((a, b) => a[0] - b[0]).filter((s, i, all) => i === 0 || s[0] >= all[i - 1]![1]);
}

export type AtlasAggregate = (
  kind: SearchKind,
  pipeline: PipelineStage[],
) => Promise<Record<string, unknown>[]>;

const defaultAggregate: AtlasAggregate = (kind, pipeline) => {
  const model = kind === 'song' ? Song : kind === 'artist' ? Artist : Album;
  return (model as typeof Song).aggregate(pipeline).exec() as Promise<Record<string, unknown>[]>;
};

export class AtlasSearch implements SearchPort {
  readonly engine = 'atlas' as const;
  constructor(private readonly aggregate: AtlasAggregate = defaultAggregate) {}

  async search(query: SearchQuery): Promise<SearchResults> {
    const limit = Math.min(query.limit ?? DEFAULT_SEARCH_LIMIT, MAX_SEARCH_LIMIT);
    const kinds = new Set<SearchKind>(query.kinds ?? ['song', 'artist', 'album']);
    const q = query.q.trim();
    const run = (k: SearchKind) =>
      kinds.has(k) && q ? this.aggregate(k, buildAtlasPipeline(k, q, limit)) : Promise.resolve([]);
    const [songs, artists, albums] = await Promise.all([run('song'), run('artist'), run('album')]);
    const hl = (d: Record<string, unknown>) => d.highlights as AtlasHighlight[] | undefined;
    const s = (v: unknown) => (v == null ? null : String(v));
    const raw: SearchResults = {
      q: query.q,
      engine: 'atlas',
      songs: songs.map(
        (d): SongHit => ({
          id: String(d._id),
          title: String(d.title),
          artistId: String(d.artistId),
          artistName: String(d.artistName),
          albumId: s(d.albumId),
          albumTitle: s(d.albumTitle),
          playCount: Number(d.playCount ?? 0),
          score: Number(d.score ?? 0),
          highlights: {
            title: atlasSpans(String(d.title), 'title', hl(d)),
            artistName: atlasSpans(String(d.artistName), 'artistName', hl(d)),
            albumTitle: atlasSpans(s(d.albumTitle), 'albumTitle', hl(d)),
          },
        }),
      ),
      artists: artists.map(
        (d): ArtistHit => ({
          id: String(d._id),
          name: String(d.name),
          playCount: Number(d.playCount ?? 0),
          score: Number(d.score ?? 0),
          highlights: { name: atlasSpans(String(d.name), 'name', hl(d)) },
        }),
      ),
      albums: albums.map(
        (d): AlbumHit => ({
          id: String(d._id),
          title: String(d.title),
          artistId: String(d.artistId),
          artistName: String(d.artistName),
          playCount: Number(d.playCount ?? 0),
          score: Number(d.score ?? 0),
          highlights: {
            title: atlasSpans(String(d.title), 'title', hl(d)),
            artistName: atlasSpans(String(d.artistName), 'artistName', hl(d)),
          },
        }),
      ),
    };
    return rerank(raw, limit);
  }
}
