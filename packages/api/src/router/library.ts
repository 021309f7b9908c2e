import { likeSong, listLikes, unlikeSong } from '@tonearm/core';
import { ZPageOnlyInput, ZSongDto, ZSongIdInput, zPage } from '@tonearm/validators';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { apiKeyProcedure } from '../trpc';

export const libraryRouter = {
  like: apiKeyProcedure('library:write')
    .input(ZSongIdInput)
    .output(z.object({ liked: z.literal(true) }))
    .mutation(({ ctx, input }) => likeSong(ctx.deps, ctx.userId, input.songId)),
  unlike: apiKeyProcedure('library:write')
    .input(ZSongIdInput)
    .output(z.object({ liked: z.literal(false) }))
    .mutation(({ ctx, input }) => unlikeSong(ctx.deps, ctx.userId, input.songId)),
  /** Newest first; a song deleted since comes back with song: null. */
  likes: apiKeyProcedure('library:read')
    .input(ZPageOnlyInput.default({ limit: 20 }))
    .output(zPage(z.object({ songId: z.string(), likedAt: z.string(), song: ZSongDto.nullable() })))
    .query(({ ctx, input }) => listLikes(ctx.deps, ctx.userId, input)),
} satisfies TRPCRouterRecord;
