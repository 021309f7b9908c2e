// Output schemas shared by several routers and used by the API alone. A procedure's `.output()` is
// the contract clients compile against; the catalog DTOs (ZSongDto, ZArtistDto, ZAlbumDto) live in
// @tonearm/validators/dto, where core's types come from too.
import { ZSongDto } from '@tonearm/validators';
import { z } from 'zod';

export const ZUserOutput = z.object({
  id: z.string(),
  email: z.string(),
  handle: z.string(),
  displayName: z.string(),
  role: z.enum(['user', 'admin']),
  emailVerified: z.boolean(),
  listeningVisibility: z.enum(['everyone', 'approved', 'nobody']),
  avatarUrl: z.string().nullable(),
});

export const ZDeletedOutput = z.object({ id: z.string() });

// Playlists: the playlist router and the people router (a profile's public playlists).
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
const ZEntry = z.object({ entryId: z.string(), songId: z.string(), addedAt: z.string() });
export const ZPlaylistOutput = z.object({ ...playlistFields, entries: z.array(ZEntry) });
export const ZPlaylistWithSongsOutput = z.object({
  ...playlistFields,
  entries: z.array(ZEntry.extend({ song: ZSongDto.nullable() })),
});
export const ZPlaylistSummaryOutput = z.object({ ...playlistFields, entryCount: z.number() });
