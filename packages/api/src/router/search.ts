import { MAX_SEARCH_LIMIT, searchCatalog } from '@tonearm/core';
import { ZAlbumDto, ZArtistDto, ZSongDto, zText } from '@tonearm/validators';
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

// A hit is the catalog DTO's identifying fields (validators/dto.ts: one definition of each) plus
// its score and highlight spans.
const ZSongHit = ZSongDto.pick({
  id: true,
  title: true,
  artistId: true,
  artistName: true,
  albumId: true,
  albumTitle: true,
  playCount: true,
}).extend({
  score: z.number(),
  highlights: z.object({ title: z.array(ZSpan), artistName: z.array(ZSpan), albumTitle: z.array(ZSpan) }),
});
const ZArtistHit = ZArtistDto.pick({ id: true, name: true, playCount: true }).extend({
  score: z.number(),
  highlights: z.object({ name: z.array(ZSpan) }),
});
const ZAlbumHit = ZAlbumDto.pick({
  id: true,
  title: true,
  artistId: true,
  artistName: true,
  playCount: true,
}).extend({
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
  closest: z
    .object({
      songs: z.array(ZSongHit),
      artists: z.array(ZArtistHit),
      albums: z.array(ZAlbumHit),
      order: z.array(z.enum(['song', 'artist', 'album'])),
    })
    .nullable()
    .optional()
    .describe(
      'Only when nothing cleared the relevance floor: the closest matches (each matching some typed words), to show as "No exact match — closest matches", never as results',
    ),
});

export const searchRouter = {
  /** Typo-tolerant catalog search, grouped into songs, artists and albums, with highlight spans. */
  catalog: publicProcedure
    .input(ZSearchInput)
    .output(ZSearchOutput)
    .query(({ ctx, input }) => searchCatalog(ctx.deps, input)),
} satisfies TRPCRouterRecord;
