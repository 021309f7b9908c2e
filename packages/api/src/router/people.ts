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
  ZFollowRequestDto,
  ZFullProfileDto,
  ZHandleInput,
  ZPeopleSearchInput,
  ZPersonDto,
  ZPersonHit,
  ZPrivacyDto,
  ZPrivacyInput,
  ZRequestIdInput,
  ZSuggestionDto,
  ZSuggestionsInput,
  ZUserIdInput,
} from '@tonearm/validators';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { publicProcedure, sessionProcedure } from '../trpc';

const ZHandlePage = ZHandleInput.extend({ limit: z.number().int().min(1).max(200).default(100) });

/** People (issue 17): profiles as the viewer may see them, privacy, follow requests, search, suggestions. */
export const peopleRouter = {
  /** A profile with what the viewer may see; NOT_FOUND for unknown handles and for whoever the owner blocked. */
  profile: publicProcedure
    .input(ZHandleInput)
    .output(ZFullProfileDto)
    .query(({ ctx, input }) => getFullProfile(ctx.deps, input.handle, ctx.session?.userId ?? null)),
  followers: publicProcedure
    .input(ZHandlePage)
    .output(z.array(ZPersonDto))
    .query(({ ctx, input }) =>
      listPeople(input.handle, 'followers', ctx.session?.userId ?? null, input.limit),
    ),
  following: publicProcedure
    .input(ZHandlePage)
    .output(z.array(ZPersonDto))
    .query(({ ctx, input }) =>
      listPeople(input.handle, 'following', ctx.session?.userId ?? null, input.limit),
    ),
  /** Handle and display name, typo-tolerant; people who blocked you never appear. */
  search: publicProcedure
    .input(ZPeopleSearchInput)
    .output(z.array(ZPersonHit))
    .query(({ ctx, input }) => searchPeople(ctx.deps, input.q, ctx.session?.userId ?? null, input.limit)),
  /** People you may know: follows of your follows and people who play what you play. */
  suggestions: sessionProcedure
    .input(ZSuggestionsInput)
    .output(z.array(ZSuggestionDto))
    .query(({ ctx, input }) => suggestPeople(ctx.userId, input.limit)),
  privacy: sessionProcedure.output(ZPrivacyDto).query(({ ctx }) => getPrivacy(ctx.userId)),
  /** everyone | approved (follow requests) | nobody; applies to the live feed at once. */
  setPrivacy: sessionProcedure
    .input(ZPrivacyInput)
    .output(ZPrivacyDto)
    .mutation(({ ctx, input }) => setPrivacy(ctx.deps, ctx.userId, input.listeningVisibility)),
  requests: sessionProcedure
    .output(z.array(ZFollowRequestDto))
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
