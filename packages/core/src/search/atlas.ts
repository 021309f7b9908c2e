// The Atlas Search adapter: one `$search` pipeline per collection (songs, artists, albums), run in
// parallel. Fuzzy text matching (up to 2 edits, prefixLength 0 so "Bad Bony" reaches "Bad Bunny"),
// boosted fields, a "joined" multi-analyzer for AC/DC-style names, autocomplete for the typed word,
// popularity as a bounded score factor and the sort's tie-breaker, and Atlas's own highlights.
// The index definitions live in ops/atlas/search-index.json (docs/SEARCH.md says how to create them).
import { Album, Artist, Song } from '@tonearm/db';
import type { PipelineStage } from 'mongoose';
import type { Span } from './normalize';
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

export const FUZZY = { maxEdits: 2, prefixLength: 0, maxExpansions: 100 } as const;

/** Builds the aggregation pipeline for one collection. The query is only ever a value, never a key. */
export function buildAtlasPipeline(kind: SearchKind, q: string, limit: number): PipelineStage[] {
  const paths = ATLAS_PATHS[kind];
  const primary = paths[0]!.path;
  const should: Record<string, unknown>[] = [];
  for (const { path, boost } of paths) {
    should.push({ text: { query: q, path, fuzzy: FUZZY, score: { boost: { value: boost } } } });
    // "ac dc", "acdc", "AC/DC" all reach AC/DC through the keyword-and-strip analyzer.
    should.push({
      text: { query: q, path: { value: path, multi: 'joined' }, score: { boost: { value: boost * 2 } } },
    });
  }
  // The whole query as a phrase on the main field: exact titles rank first.
  should.push({ phrase: { query: q, path: primary, score: { boost: { value: 6 } } } });
  // Search-as-you-type: edge n-grams on the main field, a typo allowed.
  should.push({
    autocomplete: {
      query: q,
      path: primary,
      tokenOrder: 'sequential',
      fuzzy: { maxEdits: 1, prefixLength: 1 },
      score: { boost: { value: 2 } },
    },
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
    { $limit: limit },
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
    return {
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
  }
}
