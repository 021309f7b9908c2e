import { getFeed } from '@tonearm/core';
import { ZFeed } from '@tonearm/realtime/events';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { apiKeyProcedure } from '../trpc';

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
    .output(ZFeed) // realtime's contract, beside the events that update it
    .query(({ ctx, input }) => getFeed(ctx.deps, ctx.userId, input)),
} satisfies TRPCRouterRecord;
