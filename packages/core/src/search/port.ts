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

/** Results grouped by kind, each ranked by relevance, popularity (playCount) breaking near-ties. */
export type SearchResults = {
  q: string;
  engine: 'embedded' | 'atlas';
  songs: SongHit[];
  artists: ArtistHit[];
  albums: AlbumHit[];
};

export type SearchPort = {
  readonly engine: 'embedded' | 'atlas';
  search(query: SearchQuery): Promise<SearchResults>;
};

export const DEFAULT_SEARCH_LIMIT = 10;
export const MAX_SEARCH_LIMIT = 50;
