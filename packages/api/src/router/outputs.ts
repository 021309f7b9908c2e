// Output schemas shared by several routers. A procedure's `.output()` is the contract clients
// compile against: rename a field here and every consumer's typecheck says where it is read.
import { z } from 'zod';

export const ZArtistOutput = z.object({
  id: z.string(),
  name: z.string(),
  genres: z.array(z.string()),
  bio: z.string(),
  playCount: z.number(),
});

export const ZAlbumOutput = z.object({
  id: z.string(),
  title: z.string(),
  artistId: z.string(),
  artistName: z.string(),
  year: z.number().nullable(),
  genre: z.string().nullable(),
  playCount: z.number(),
  /** Cover prefix: GET <server>/covers/<coverKey><64|300|640>.<avif|webp|jpg>; null = none. */
  coverKey: z.string().nullable().default(null),
});

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
