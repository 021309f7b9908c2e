// The search port: what the API asks of any search backend. Two adapters implement it, Atlas Search
// (atlas.ts, production on Atlas) and the embedded index (embedded.ts, dev, CI and self-hosting).
// Change the result shapes here and in the search router's output schema together.
import type { Span } from './normalize';

export type { Span };
export type SearchKind = 'song' | 'artist' | 'album';

export type SearchQuery = {
  q: string;
  /** Results per group. */
  limit?: number;
  kinds?: SearchKind[];
};

export type SongHit = {
  id: string;
  title: string;
  artistId: string;
  artistName: string;
  albumId: string | null;
  albumTitle: string | null;
  playCount: number;
  score: number;
  highlights: { title: Span[]; artistName: Span[]; albumTitle: Span[] };
};
export type ArtistHit = {
  id: string;
  name: string;
  playCount: number;
  score: number;
  highlights: { name: Span[] };
};
export type AlbumHit = {
  id: string;
  title: string;
  artistId: string;
  artistName: string;
  playCount: number;
  score: number;
  highlights: { title: Span[]; artistName: Span[] };
};

/** The single best result across kinds: what the player shows first as "Top result". */
export type TopHit =
  | { kind: 'song'; hit: SongHit }
  | { kind: 'artist'; hit: ArtistHit }
  | { kind: 'album'; hit: AlbumHit };

/**
 * Results grouped by kind, each ranked by relevance, popularity (playCount) breaking near-ties.
 * `top` is the best result of any kind (null when nothing cleared the relevance floor) and `order`
 * lists the non-empty groups by their best score, best first. Scores are comparable across kinds
 * within one response.
 */
export type SearchResults = {
  q: string;
  engine: 'embedded' | 'atlas';
  songs: SongHit[];
  artists: ArtistHit[];
  albums: AlbumHit[];
  top?: TopHit | null;
  order?: SearchKind[];
  /**
   * Only when nothing cleared the relevance floor: the closest matches, each matching some of the
   * typed words, ranked by the same rules. Apart from the results so that no client shows them as
   * matches: the player says "No exact match — closest matches". Absent or null otherwise, and when
   * no typed word matches anything.
   */
  closest?: ClosestMatches | null;
};

export type ClosestMatches = {
  songs: SongHit[];
  artists: ArtistHit[];
  albums: AlbumHit[];
  /** Non-empty groups, best score first. */
  order: SearchKind[];
};

/** Closest-match groups with their order (the same rule as `withTopResult`'s). */
export function closestOf(g: Pick<SearchResults, 'songs' | 'artists' | 'albums'>): ClosestMatches {
  const { order = [] } = withTopResult({ q: '', engine: 'embedded', ...g });
  return { songs: g.songs, artists: g.artists, albums: g.albums, order };
}

/** Fills `top` and `order` from the groups' scores (ties: artist, then song, then album). */
export function withTopResult(r: SearchResults): SearchResults {
  const KIND_RANK: Record<SearchKind, number> = { artist: 0, song: 1, album: 2 };
  const best: { kind: SearchKind; score: number }[] = [];
  if (r.artists[0]) best.push({ kind: 'artist', score: r.artists[0].score });
  if (r.songs[0]) best.push({ kind: 'song', score: r.songs[0].score });
  if (r.albums[0]) best.push({ kind: 'album', score: r.albums[0].score });
  best.sort((a, b) => b.score - a.score || KIND_RANK[a.kind] - KIND_RANK[b.kind]);
  const order = best.map((b) => b.kind);
  const k = order[0];
  const top: TopHit | null =
    k === 'artist'
      ? { kind: 'artist', hit: r.artists[0]! }
      : k === 'song'
        ? { kind: 'song', hit: r.songs[0]! }
        : k === 'album'
          ? { kind: 'album', hit: r.albums[0]! }
          : null;
  return { ...r, top, order };
}

export type SearchPort = {
  readonly engine: 'embedded' | 'atlas';
  search(query: SearchQuery): Promise<SearchResults>;
};

export const DEFAULT_SEARCH_LIMIT = 10;
export const MAX_SEARCH_LIMIT = 50;
