import {
  acceptFollowRequest,
  cancelFollowRequest,
  declineFollowRequest,
  getFullProfile,
  getPrivacy,
  listFollowRequests,
  listPeople,
  removeFollower,
  searchPeople,
  setPrivacy,
  suggestPeople,
} from '@tonearm/core';
import {
  ZHandleInput,
  ZListeningVisibility,
  ZPeopleSearchInput,
  ZPlaylistSummaryDto,
  ZPrivacyInput,
  ZRequestIdInput,
  ZSuggestionsInput,
  ZUserIdInput,
} from '@tonearm/validators';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { publicProcedure, sessionProcedure } from '../trpc';

const ZPerson = z.object({
  id: z.string(),
  handle: z.string(),
  displayName: z.string(),
  avatarUrl: z.string().nullable(),
});
const ZFullProfile = ZPerson.extend({
  followerCount: z.number(),
  followingCount: z.number(),
  listeningVisibility: ZListeningVisibility,
  relation: z.object({
    isSelf: z.boolean(),
    following: z.boolean(),
    requested: z.boolean(),
    followsYou: z.boolean(),
    blockedByYou: z.boolean(),
  }),
  canSeeActivity: z.boolean(),
  recent: z.array(
    z.object({
      song: z.object({ id: z.string(), title: z.string(), artistName: z.string() }),
      startedAt: z.number(),
    }),
  ),
  playlists: z.array(ZPlaylistSummaryDto),
});
const ZPrivacy = z.object({ listeningVisibility: ZListeningVisibility, pendingRequests: z.number() });
const ZHandlePage = ZHandleInput.extend({ limit: z.number().int().min(1).max(200).default(100) });

/** People (issue 17): profiles as the viewer may see them, privacy, follow requests, search, suggestions. */
export const peopleRouter = {
  /** A profile with what the viewer may see; NOT_FOUND for unknown handles and for whoever the owner blocked. */
  profile: publicProcedure
    .input(ZHandleInput)
    .output(ZFullProfile)
    .query(({ ctx, input }) => getFullProfile(ctx.deps, input.handle, ctx.session?.userId ?? null)),
  followers: publicProcedure
    .input(ZHandlePage)
    .output(z.array(ZPerson))
    .query(({ ctx, input }) =>
      listPeople(input.handle, 'followers', ctx.session?.userId ?? null, input.limit),
    ),
  following: publicProcedure
    .input(ZHandlePage)
    .output(z.array(ZPerson))
    .query(({ ctx, input }) =>
      listPeople(input.handle, 'following', ctx.session?.userId ?? null, input.limit),
    ),
  /** Handle and display name, typo-tolerant; people who blocked you never appear. */
  search: publicProcedure
    .input(ZPeopleSearchInput)
    .output(z.array(ZPerson.extend({ score: z.number() })))
    .query(({ ctx, input }) => searchPeople(ctx.deps, input.q, ctx.session?.userId ?? null, input.limit)),
  /** People you may know: follows of your follows and people who play what you play. */
  suggestions: sessionProcedure
    .input(ZSuggestionsInput)
    .output(
      z.array(ZPerson.extend({ mutualFollows: z.number(), sharedSongs: z.number(), reason: z.string() })),
    )
    .query(({ ctx, input }) => suggestPeople(ctx.userId, input.limit)),
  privacy: sessionProcedure.output(ZPrivacy).query(({ ctx }) => getPrivacy(ctx.userId)),
  /** everyone | approved (follow requests) | nobody; applies to the live feed at once. */
  setPrivacy: sessionProcedure
    .input(ZPrivacyInput)
    .output(ZPrivacy)
    .mutation(({ ctx, input }) => setPrivacy(ctx.deps, ctx.userId, input.listeningVisibility)),
  requests: sessionProcedure
    .output(z.array(z.object({ id: z.string(), from: ZPerson, createdAt: z.string() })))
    .query(({ ctx }) => listFollowRequests(ctx.userId)),
  acceptRequest: sessionProcedure
    .input(ZRequestIdInput)
    .output(z.object({ accepted: z.literal(true), userId: z.string() }))
    .mutation(({ ctx, input }) => acceptFollowRequest(ctx.deps, ctx.userId, input.requestId)),
  declineRequest: sessionProcedure
    .input(ZRequestIdInput)
    .output(z.object({ declined: z.literal(true) }))
    .mutation(({ ctx, input }) => declineFollowRequest(ctx.userId, input.requestId)),
  cancelRequest: sessionProcedure
    .input(ZUserIdInput)
    .output(z.object({ requested: z.literal(false) }))
    .mutation(({ ctx, input }) => cancelFollowRequest(ctx.userId, input.userId)),
  removeFollower: sessionProcedure
    .input(ZUserIdInput)
    .output(z.object({ removed: z.literal(true) }))
    .mutation(({ ctx, input }) => removeFollower(ctx.deps, ctx.userId, input.userId)),
} satisfies TRPCRouterRecord;
