import type { TRPCRouterRecord } from '@trpc/server';
import { moreLikeThis, recommendedFor } from '@tonearm/core';
import { ZObjectId } from '@tonearm/validators';
import { z } from 'zod';
import { apiKeyProcedure, publicProcedure } from '../trpc';
import { ZSongOutput } from './song';

export const ZMoreLikeThisOutput = z.array(
  ZSongOutput.extend({
    score: z.number(),
    reasons: z
      .array(z.enum(['listeners', 'album', 'artist', 'genre', 'popular']))
      .describe('Why it was picked'),
  }),
);

export const discoveryRouter = {
  /** Songs like this one: listeners' co-plays blended with album, artist and genre; charts when cold. */
  moreLikeThis: publicProcedure
    .input(z.strictObject({ songId: ZObjectId, limit: z.number().int().min(1).max(50).default(10) }))
    .output(ZMoreLikeThisOutput)
    .query(({ ctx, input }) => moreLikeThis(ctx.deps, input.songId, input.limit)),
  /** "Recommended for you": more like the caller's latest plays, minus what they played lately. */
  forYou: apiKeyProcedure('library:read')
    .input(z.strictObject({ limit: z.number().int().min(1).max(50).default(10) }).default({ limit: 10 }))
    .output(ZMoreLikeThisOutput)
    .query(({ ctx, input }) => recommendedFor(ctx.deps, ctx.userId, input.limit)),
} satisfies TRPCRouterRecord;
