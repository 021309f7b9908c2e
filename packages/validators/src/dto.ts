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
