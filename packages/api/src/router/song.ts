import type { TRPCRouterRecord } from '@trpc/server';
import { getSong, topSongs } from '@tonearm/core';
import { ZIdInput } from '@tonearm/validators';
import { z } from 'zod';
import { publicProcedure } from '../trpc';

export const ZSongOutput = z.object({
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
  status: z.enum(['uploaded', 'transcoding', 'ready', 'failed']),
});

export const songRouter = {
  byId: publicProcedure
    .input(ZIdInput)
    .output(ZSongOutput)
    .query(({ ctx, input }) => getSong(ctx.deps, input.id)),
  top: publicProcedure
    .input(z.strictObject({ limit: z.number().int().min(1).max(100).default(10) }).default({ limit: 10 }))
    .output(z.array(ZSongOutput))
    .query(({ ctx, input }) => topSongs(ctx.deps, input.limit)),
} satisfies TRPCRouterRecord;
