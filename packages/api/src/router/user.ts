import { block, follow, followersOf, followingOf, getProfile, unblock, unfollow } from '@tonearm/core';
import {
  ZFollowEdgeDto,
  ZHandleInput,
  ZProfileDto,
  ZUserIdInput,
  ZUserPageInput,
  zPage,
} from '@tonearm/validators';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { publicProcedure, sessionProcedure } from '../trpc';

/** Profiles and the follow graph; the feed over it is social.feed (core/feed), pushed live over socket.io. */
export const userRouter = {
  byHandle: publicProcedure
    .input(ZHandleInput)
    .output(ZProfileDto)
    .query(({ ctx, input }) => getProfile(ctx.deps, input.handle, ctx.session?.userId ?? null)),
  followers: publicProcedure
    .input(ZUserPageInput)
    .output(zPage(ZFollowEdgeDto))
    .query(({ ctx, input }) => followersOf(ctx.deps, input.userId, input)),
  following: publicProcedure
    .input(ZUserPageInput)
    .output(zPage(ZFollowEdgeDto))
    .query(({ ctx, input }) => followingOf(ctx.deps, input.userId, input)),
  follow: sessionProcedure
    .input(ZUserIdInput)
    .output(z.object({ following: z.boolean(), requested: z.boolean() }))
    .mutation(({ ctx, input }) => follow(ctx.deps, ctx.userId, input.userId)),
  unfollow: sessionProcedure
    .input(ZUserIdInput)
    .output(z.object({ following: z.literal(false) }))
    .mutation(({ ctx, input }) => unfollow(ctx.deps, ctx.userId, input.userId)),
  block: sessionProcedure
    .input(ZUserIdInput)
    .output(z.object({ blocked: z.literal(true) }))
    .mutation(({ ctx, input }) => block(ctx.deps, ctx.userId, input.userId)),
  unblock: sessionProcedure
    .input(ZUserIdInput)
    .output(z.object({ blocked: z.literal(false) }))
    .mutation(({ ctx, input }) => unblock(ctx.deps, ctx.userId, input.userId)),
} satisfies TRPCRouterRecord;
