// People and administration as they leave the domain: profiles as a viewer may see them, privacy,
// follow requests, search hits and suggestions (the people router), the admin users page and invite
// links (the admin router). Core's types are z.infer of these; the routers declare them as .output().
import { z } from 'zod';
import { ZPlaylistSummaryDto, ZUserDto } from './dto';
import { ZListeningVisibility } from './people';

export const ZPersonDto = z.object({
  id: z.string(),
  handle: z.string(),
  displayName: z.string(),
  /** Path of the resized avatar on the API server (/covers/user/…); null = initials. */
  avatarUrl: z.string().nullable(),
});
export type PersonDto = z.infer<typeof ZPersonDto>;

export const ZRelation = z.object({
  isSelf: z.boolean(),
  following: z.boolean(),
  requested: z.boolean(),
  followsYou: z.boolean(),
  blockedByYou: z.boolean(),
});
export type Relation = z.infer<typeof ZRelation>;

export const ZActivityItem = z.object({
  song: z.object({ id: z.string(), title: z.string(), artistName: z.string() }),
  startedAt: z.number(),
});
export type ActivityItem = z.infer<typeof ZActivityItem>;

export const ZFullProfileDto = ZPersonDto.extend({
  followerCount: z.number(),
  followingCount: z.number(),
  listeningVisibility: ZListeningVisibility,
  relation: ZRelation,
  /** Whether the viewer may see this person's listening (recent activity). */
  canSeeActivity: z.boolean(),
  recent: z.array(ZActivityItem),
  playlists: z.array(ZPlaylistSummaryDto),
});
export type FullProfileDto = z.infer<typeof ZFullProfileDto>;

export const ZPrivacyDto = z.object({
  listeningVisibility: ZListeningVisibility,
  pendingRequests: z.number(),
});
export type PrivacyDto = z.infer<typeof ZPrivacyDto>;

export const ZFollowRequestDto = z.object({ id: z.string(), from: ZPersonDto, createdAt: z.string() });
export type FollowRequestDto = z.infer<typeof ZFollowRequestDto>;

export const ZPersonHit = ZPersonDto.extend({ score: z.number() });
export type PersonHit = z.infer<typeof ZPersonHit>;

export const ZSuggestionDto = ZPersonDto.extend({
  mutualFollows: z.number(),
  sharedSongs: z.number(),
  reason: z.string(),
});
export type SuggestionDto = z.infer<typeof ZSuggestionDto>;

/** A user as the admin users page lists them: the account's fields, whether disabled, and since when. */
export const ZAdminUserDto = ZUserDto.pick({
  id: true,
  email: true,
  handle: true,
  displayName: true,
  role: true,
  emailVerified: true,
}).extend({ disabled: z.boolean(), createdAt: z.string() });
export type AdminUserDto = z.infer<typeof ZAdminUserDto>;

export const ZInviteDto = z.object({
  id: z.string(),
  note: z.string(),
  expiresAt: z.string(),
  usedAt: z.string().nullable(),
  /** The sign-up link with its code: returned once, by createInvite. */
  link: z.string().optional(),
});
export type InviteDto = z.infer<typeof ZInviteDto>;
