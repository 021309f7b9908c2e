// The catalog shapes that leave the domain layer: core maps documents to them (core/src/dto.ts),
// the cache stores them, the router declares them as `.output()`, clients compile against them.
// Types are z.infer of the schemas, so a field added to one without the other cannot compile, and
// tRPC's output parse (which drops unknown keys) never silently loses it.
import { z } from 'zod';
import { ZMediaStatus } from './media';

/** Cover prefix: GET <server>/covers/<coverKey><64|300|640>.<avif|webp|jpg>; null = none. */
const ZCoverKey = z.string().nullable().default(null);

export const ZSongDto = z.object({
  id: z.string(),
  title: z.string(),
  artistId: z.string(),
  artistName: z.string(),
  albumId: z.string().nullable(),
  albumTitle: z.string().nullable(),
  trackNumber: z.number().nullable(),
  durationSec: z.number(),
  genre: z.string().nullable(),
  playCount: z.number(),
  status: ZMediaStatus,
  /** The album's processed cover (covers/album/<id>/<hash>/). */
  coverKey: ZCoverKey,
});
export type SongDto = z.infer<typeof ZSongDto>;

export const ZArtistDto = z.object({
  id: z.string(),
  name: z.string(),
  genres: z.array(z.string()),
  bio: z.string(),
  playCount: z.number(),
});
export type ArtistDto = z.infer<typeof ZArtistDto>;

export const ZAlbumDto = z.object({
  id: z.string(),
  title: z.string(),
  artistId: z.string(),
  artistName: z.string(),
  year: z.number().nullable(),
  genre: z.string().nullable(),
  playCount: z.number(),
  coverKey: ZCoverKey,
});
export type AlbumDto = z.infer<typeof ZAlbumDto>;

// --- Playlists --------------------------------------------------------------------------------

export const ZPlaylistEntryDto = z.object({ entryId: z.string(), songId: z.string(), addedAt: z.string() });
export type PlaylistEntryDto = z.infer<typeof ZPlaylistEntryDto>;

const playlistFields = {
  id: z.string(),
  ownerId: z.string(),
  name: z.string(),
  description: z.string(),
  isPublic: z.boolean(),
  /** Send it back with the next edit; a stale one gets CONFLICT. */
  revision: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
};
export const ZPlaylistDto = z.object({ ...playlistFields, entries: z.array(ZPlaylistEntryDto) });
export type PlaylistDto = z.infer<typeof ZPlaylistDto>;
/** A playlist with each entry's song (null: the song was deleted since). */
export const ZPlaylistWithSongsDto = z.object({
  ...playlistFields,
  entries: z.array(ZPlaylistEntryDto.extend({ song: ZSongDto.nullable() })),
});
export type PlaylistWithSongsDto = z.infer<typeof ZPlaylistWithSongsDto>;
/** A playlist in a list: no entries, just their count. */
export const ZPlaylistSummaryDto = z.object({ ...playlistFields, entryCount: z.number() });
export type PlaylistSummaryDto = z.infer<typeof ZPlaylistSummaryDto>;

// --- Accounts and people ------------------------------------------------------------------------

export const ZUserDto = z.object({
  id: z.string(),
  email: z.string(),
  handle: z.string(),
  displayName: z.string(),
  role: z.enum(['user', 'admin']),
  emailVerified: z.boolean(),
  listeningVisibility: z.enum(['everyone', 'approved', 'nobody']),
  /** Path of the resized avatar on the API server (/covers/user/…); null = none (initials). */
  avatarUrl: z.string().nullable(),
});
export type UserDto = z.infer<typeof ZUserDto>;

export const ZProfileDto = z.object({
  id: z.string(),
  handle: z.string(),
  displayName: z.string(),
  followerCount: z.number(),
  followingCount: z.number(),
});
export type ProfileDto = z.infer<typeof ZProfileDto>;

/** One edge of the follow graph as a list shows it: the other person and since when. */
export const ZFollowEdgeDto = z.object({ userId: z.string(), since: z.string() });
export type FollowEdgeDto = z.infer<typeof ZFollowEdgeDto>;

export const ZApiKeyDto = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.string()),
  rateLimitPerMinute: z.number(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiKeyDto = z.infer<typeof ZApiKeyDto>;
