// Output schemas shared by several routers and used by the API alone. A procedure's `.output()` is
// the contract clients compile against; the catalog DTOs (ZSongDto, ZArtistDto, ZAlbumDto) live in
// @tonearm/validators/dto, where core's types come from too.
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
