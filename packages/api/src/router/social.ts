import { getFeed } from '@tonearm/core';
import { ZPresence } from '@tonearm/realtime/events';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { apiKeyProcedure } from '../trpc';

const ZFeedSong = z.object({ id: z.string(), title: z.string(), artistName: z.string() });

export const ZFeedOutput = z.object({
  friends: z.array(
    z.object({
      user: z.object({
        id: z.string(),
        handle: z.string(),
        displayName: z.string(),
        /** Path of the resized avatar on this server (/covers/user/…); null = initials. */
        avatarUrl: z.string().nullable(),
      }),
      presence: ZPresence,
      nowPlaying: ZFeedSong.nullable(),
      /** Compare with `presence:changed` events' seq: apply only newer ones. */
      seq: z.number().int(),
      recent: z.array(z.object({ song: ZFeedSong, startedAt: z.number() })),
    }),
  ),
  at: z.number(),
});

export const ZFeedInput = z
  .strictObject({
    limit: z.number().int().min(1).max(500).default(200).describe('How many followees to include'),
    recentLimit: z.number().int().min(0).max(20).default(5).describe('Recent plays per followee'),
  })
  .default({ limit: 200, recentLimit: 5 });

export const socialRouter = {
  /** Initial state of the "friends are listening to" feed; also the re-sync after a reconnect. */
  feed: apiKeyProcedure('social:read')
    .input(ZFeedInput)
    .output(ZFeedOutput)
    .query(({ ctx, input }) => getFeed(ctx.deps, ctx.userId, input)),
} satisfies TRPCRouterRecord;
