import { MAX_SEARCH_LIMIT, searchCatalog } from '@tonearm/core';
import { zText } from '@tonearm/validators';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { publicProcedure } from '../trpc';

const ZSpan = z
  .tuple([z.number().int(), z.number().int()])
  .describe('[start, end) UTF-16 offsets to highlight');

export const ZSearchInput = z.strictObject({
  q: zText(100).describe('What the person typed; the last word is matched as a prefix'),
  limit: z.number().int().min(1).max(MAX_SEARCH_LIMIT).default(10).describe('Results per group'),
  kinds: z
    .array(z.enum(['song', 'artist', 'album']))
    .min(1)
    .max(3)
    .optional(),
});

const ZSongHit = z.object({
  id: z.string(),
  title: z.string(),
  artistId: z.string(),
  artistName: z.string(),
  albumId: z.string().nullable(),
  albumTitle: z.string().nullable(),
  playCount: z.number(),
  score: z.number(),
  highlights: z.object({ title: z.array(ZSpan), artistName: z.array(ZSpan), albumTitle: z.array(ZSpan) }),
});
const ZArtistHit = z.object({
  id: z.string(),
  name: z.string(),
  playCount: z.number(),
  score: z.number(),
  highlights: z.object({ name: z.array(ZSpan) }),
});
const ZAlbumHit = z.object({
  id: z.string(),
  title: z.string(),
  artistId: z.string(),
  artistName: z.string(),
  playCount: z.number(),
  score: z.number(),
  highlights: z.object({ title: z.array(ZSpan), artistName: z.array(ZSpan) }),
});

export const ZSearchOutput = z.object({
  q: z.string(),
  engine: z.enum(['embedded', 'atlas']),
  songs: z.array(ZSongHit),
  artists: z.array(ZArtistHit),
  albums: z.array(ZAlbumHit),
  top: z
    .discriminatedUnion('kind', [
      z.object({ kind: z.literal('song'), hit: ZSongHit }),
      z.object({ kind: z.literal('artist'), hit: ZArtistHit }),
      z.object({ kind: z.literal('album'), hit: ZAlbumHit }),
    ])
    .nullable()
    .optional()
    .describe('The best result of any kind; null when nothing cleared the relevance floor'),
  order: z
    .array(z.enum(['song', 'artist', 'album']))
    .optional()
    .describe('Non-empty groups, best score first'),
});

export const searchRouter = {
  /** Typo-tolerant catalog search, grouped into songs, artists and albums, with highlight spans. */
  catalog: publicProcedure
    .input(ZSearchInput)
    .output(ZSearchOutput)
    .query(({ ctx, input }) => searchCatalog(ctx.deps, input)),
} satisfies TRPCRouterRecord;
