import { moreLikeThis, recommendedFor } from '@tonearm/core';
import { ZObjectId, ZSongDto } from '@tonearm/validators';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { apiKeyProcedure, publicProcedure } from '../trpc';

export const ZMoreLikeThisOutput = z.array(
  ZSongDto.extend({
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
    // Signed in: never what the caller already plays.
    .query(({ ctx, input }) =>
      moreLikeThis(ctx.deps, input.songId, input.limit, {
        forUserId: ctx.session?.userId ?? ctx.apiKey?.userId ?? null,
      }),
    ),
  /** "Recommended for you": item-item over the caller's whole history, never what they already play. */
  forYou: apiKeyProcedure('library:read')
    .input(z.strictObject({ limit: z.number().int().min(1).max(50).default(10) }).default({ limit: 10 }))
    .output(ZMoreLikeThisOutput)
    .query(({ ctx, input }) => recommendedFor(ctx.deps, ctx.userId, input.limit)),
} satisfies TRPCRouterRecord;
