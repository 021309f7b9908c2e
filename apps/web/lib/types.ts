// Shapes the UI renders, derived from the router's output types (so renaming a field breaks the
// typecheck here) or from the shared contracts in @tonearm/validators.
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from './trpc';

export type RouterOutputs = inferRouterOutputs<AppRouter>;

export type Song = RouterOutputs['song']['byId'];

/** What the player and track lists need of a song. */
export type Track = Pick<
  Song,
  'id' | 'title' | 'artistId' | 'artistName' | 'albumId' | 'albumTitle' | 'durationSec' | 'status'
> & { /** The album's processed cover prefix, when it has real art. */ coverKey?: string | null };

export function toTrack(s: Song): Track {
  return {
    id: s.id,
    title: s.title,
    artistId: s.artistId,
    artistName: s.artistName,
    albumId: s.albumId,
    albumTitle: s.albumTitle,
    durationSec: s.durationSec,
    status: s.status,
    coverKey: s.coverKey ?? null,
  };
}

export type UserSummary = {
  id: string;
  handle: string;
  displayName: string;
  /** Path of the resized avatar on the API server (/covers/user/…); null or absent = initials. */
  avatarUrl?: string | null;
};

export type AlbumView = {
  id: string;
  title: string;
  artistId: string;
  artistName: string;
  year: number | null;
  genre: string | null;
  coverKey: string | null;
  tracks: Track[];
};

export type ArtistView = {
  id: string;
  name: string;
  genres: string[];
  bio: string;
  topTracks: Track[];
  albums: { id: string; title: string; year: number | null; coverKey: string | null }[];
};

export type PlaylistSummary = {
  id: string;
  name: string;
  isPublic: boolean;
  trackCount: number;
  /** Send it back with the next edit. */
  revision: number;
  owner: UserSummary | null;
};

export type PlaylistView = PlaylistSummary & {
  description: string;
  isOwner: boolean;
  /** Entries keep their own id so the same song can appear twice and still be moved precisely. */
  entries: { entryId: string; track: Track }[];
};

/** A matched span inside a search result's text, for highlighting. */
export type Highlight = { start: number; end: number };

export type SearchSongHit = { track: Track; highlights: Highlight[] };
export type SearchArtistHit = { id: string; name: string; highlights: Highlight[] };
export type SearchAlbumHit = { id: string; title: string; artistName: string; highlights: Highlight[] };
export type SearchGroup = 'song' | 'artist' | 'album';

export type SearchResults = {
  songs: SearchSongHit[];
  artists: SearchArtistHit[];
  albums: SearchAlbumHit[];
  /** The best result of any kind (shown first), null when nothing matched. */
  top:
    | { kind: 'song'; hit: SearchSongHit }
    | { kind: 'artist'; hit: SearchArtistHit }
    | { kind: 'album'; hit: SearchAlbumHit }
    | null;
  /** Non-empty groups, best score first. */
  order: SearchGroup[];
  /** Only when nothing matched: the closest matches, shown as such ("No exact match — closest matches"). */
  closest: SearchClosest | null;
};

export type SearchClosest = Pick<SearchResults, 'songs' | 'artists' | 'albums' | 'order'>;

export type FriendActivity = {
  user: UserSummary;
  state: 'online' | 'streaming' | 'offline';
  /** Streaming but paused ("Paused …"). */
  isPaused: boolean;
  /** The song playing now (streaming) or played last; `track` is null until its details are known. */
  songId: string | null;
  track: Pick<Track, 'id' | 'title' | 'artistName'> | null;
  /** ISO time the current song started, or the last play for offline friends. */
  at: string | null;
};
