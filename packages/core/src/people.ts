// People: who may see my listening (everyone / people I approve / nobody), follow requests, full
// profiles with what the viewer may see. Search and suggestions are people-search.ts, the follow edges
// social.ts; the live feed's rules are in feed/visibility.ts, which reads the setting written here.
import {
  Block,
  Follow,
  FollowRequest,
  type ListeningVisibility,
  mongoose,
  Playlist,
  type PlaylistDoc,
  Song,
  User,
  type UserDoc,
} from '@tonearm/db';
import { audienceRoom, userRoom } from '@tonearm/realtime';
import {
  type ActivityItem,
  AppError,
  type FollowRequestDto,
  type FullProfileDto,
  type PersonDto,
  type PrivacyDto,
  type Relation,
} from '@tonearm/validators';
import { Types } from 'mongoose';
import { SocialCache } from './cache-keys';
import type { CoreDeps } from './deps';
import { avatarUrl as avatarUrlOf, toPlaylistSummaryDto } from './dto';
import { liveAudience } from './feed/audience';
import { presenceOf } from './feed/presence';
import { blockedPeers } from './feed/visibility';

export type { ActivityItem, FollowRequestDto, FullProfileDto, PersonDto, PrivacyDto, Relation };

const { trusted } = mongoose;
const oid = (id: string) => new Types.ObjectId(id);

export function toPersonDto(
  u: Pick<UserDoc, '_id' | 'handle' | 'displayName'> & { avatarKey?: string | null },
) {
  return {
    id: String(u._id),
    handle: u.handle,
    displayName: u.displayName,
    avatarUrl: avatarUrlOf(u),
  } satisfies PersonDto;
}

const PERSON_FIELDS = { handle: 1, displayName: 1, avatarKey: 1 } as const;

export async function peopleByIds(ids: string[]): Promise<Map<string, PersonDto>> {
  const valid = ids.filter((i) => /^[a-f0-9]{24}$/.test(i));
  const docs = valid.length
    ? await User.find({ _id: trusted({ $in: valid.map(oid) }), disabledAt: null }, PERSON_FIELDS).lean()
    : [];
  return new Map(docs.map((d) => [String(d._id), toPersonDto(d)]));
}

/** Bumped on every change to a handle, display name or account: search indexes rebuild on it. */
export const PEOPLE_VERSION_KEY = 'people:version';
export async function peopleChanged(deps: CoreDeps): Promise<void> {
  await deps.redis.incr(PEOPLE_VERSION_KEY).catch(() => {});
}

// --- privacy ----------------------------------------------------------------------------

export async function getPrivacy(userId: string): Promise<PrivacyDto> {
  const [u, pendingRequests] = await Promise.all([
    User.findById(userId, { listeningVisibility: 1 }).lean(),
    FollowRequest.countDocuments({ targetId: oid(userId) }),
  ]);
  if (!u) throw AppError.notFound('User');
  return {
    listeningVisibility: (u.listeningVisibility ?? 'everyone') as ListeningVisibility,
    pendingRequests,
  };
}

/**
 * Sets who may see my listening. Turning "nobody" on removes me from every follower's live sidebar at
 * once (`friend:hidden`, then their sockets leave my audience room); turning it off lets followers
 * hear me again. Switching approval off ("everyone") accepts the pending requests.
 */
export async function setPrivacy(
  deps: CoreDeps,
  userId: string,
  visibility: ListeningVisibility,
): Promise<PrivacyDto> {
  const before = await User.findOneAndUpdate(
    { _id: userId },
    { $set: { listeningVisibility: visibility, isActivityPrivate: visibility === 'nobody' } },
    { returnDocument: 'before', projection: { isActivityPrivate: 1, handle: 1 } },
  ).lean();
  if (!before) throw AppError.notFound('User');
  const live = liveAudience(deps);
  const wasHidden = Boolean(before.isActivityPrivate);
  const hidden = visibility === 'nobody';
  // The user's own servers mark their sockets so new plays are not recorded while hidden.
  live.raw.serverSideEmit('tonearm:privacy', userId, hidden);
  live.toUser(userId, 'privacy:changed', { listeningVisibility: visibility, isPrivate: hidden });
  if (hidden && !wasHidden) {
    live.raw.to(audienceRoom(userId)).except(userRoom(userId)).emit('friend:hidden', { userId });
    live.raw.in(audienceRoom(userId)).socketsLeave(audienceRoom(userId));
  }
  if (visibility === 'everyone') {
    const pending = await FollowRequest.find({ targetId: oid(userId) }, { _id: 1 }).lean();
    for (const r of pending) await acceptFollowRequest(deps, userId, String(r._id));
  }
  if (!hidden && wasHidden) {
    const [followers, blocked] = await Promise.all([
      Follow.find({ followeeId: oid(userId) }, { followerId: 1 })
        .limit(10_000)
        .lean(),
      blockedPeers(userId),
    ]);
    const skip = new Set(blocked);
    for (const f of followers)
      if (!skip.has(String(f.followerId))) live.grantAudience(String(f.followerId), userId);
  }
  await deps.cache.invalidate(SocialCache.profile, before.handle.toLowerCase());
  return getPrivacy(userId);
}

// --- follow requests --------------------------------------------------------------------

export async function listFollowRequests(userId: string): Promise<FollowRequestDto[]> {
  const reqs = await FollowRequest.find({ targetId: oid(userId) })
    .sort({ createdAt: -1 })
    .limit(200)
    .lean();
  const people = await peopleByIds(reqs.map((r) => String(r.requesterId)));
  return reqs.flatMap((r) => {
    const from = people.get(String(r.requesterId));
    return from ? [{ id: String(r._id), from, createdAt: (r.createdAt ?? new Date(0)).toISOString() }] : [];
  });
}

/** The target accepts: the requester follows from now on and hears the target live at once. */
export async function acceptFollowRequest(
  deps: CoreDeps,
  userId: string,
  requestId: string,
): Promise<{ accepted: true; userId: string }> {
  const req = await FollowRequest.findOneAndDelete({ _id: requestId, targetId: oid(userId) }).lean();
  if (!req) throw AppError.notFound('Follow request');
  const requesterId = String(req.requesterId);
  await Follow.updateOne(
    { followerId: req.requesterId, followeeId: oid(userId) },
    { $setOnInsert: { followerId: req.requesterId, followeeId: oid(userId) } },
    { upsert: true, timestamps: true },
  );
  await dropPeople(deps, userId, requesterId);
  const me = await User.findById(userId, { isActivityPrivate: 1 }).lean();
  if (!me?.isActivityPrivate) liveAudience(deps).grantAudience(requesterId, userId);
  liveAudience(deps).toUser(requesterId, 'follow:accepted', { userId });
  return { accepted: true, userId: requesterId };
}

export async function declineFollowRequest(userId: string, requestId: string): Promise<{ declined: true }> {
  const res = await FollowRequest.deleteOne({ _id: requestId, targetId: oid(userId) });
  if (res.deletedCount === 0) throw AppError.notFound('Follow request');
  return { declined: true };
}

/** The requester withdraws a pending request. */
export async function cancelFollowRequest(userId: string, targetId: string): Promise<{ requested: false }> {
  await FollowRequest.deleteOne({ requesterId: oid(userId), targetId: oid(targetId) });
  return { requested: false };
}

/** The followee removes a follower (who stops hearing them at once). */
export async function removeFollower(
  deps: CoreDeps,
  userId: string,
  followerId: string,
): Promise<{ removed: true }> {
  await Follow.deleteOne({ followerId: oid(followerId), followeeId: oid(userId) });
  await dropPeople(deps, userId, followerId);
  liveAudience(deps).revokeAudience(followerId, userId);
  liveAudience(deps).toUser(followerId, 'friend:hidden', { userId });
  return { removed: true };
}

async function dropPeople(deps: CoreDeps, ...userIds: string[]): Promise<void> {
  const users = await User.find({ _id: trusted({ $in: userIds.map(oid) }) }, { handle: 1 }).lean();
  await deps.cache.invalidate(SocialCache.profile, ...users.map((u) => u.handle.toLowerCase()));
  await deps.cache.invalidateTags(...userIds.map(SocialCache.ofUser));
}

// --- profiles ---------------------------------------------------------------------------

/** The listening of `target` is visible to `viewer` (anyone signed in for "everyone"; followers for "approved"). */
export function canSeeListening(
  visibility: ListeningVisibility,
  r: { isSelf: boolean; following: boolean; blocked: boolean; signedIn: boolean },
): boolean {
  if (r.isSelf) return true;
  if (r.blocked || !r.signedIn || visibility === 'nobody') return false;
  return visibility === 'everyone' || r.following;
}

export async function getFullProfile(
  deps: CoreDeps,
  handle: string,
  viewerId: string | null,
): Promise<FullProfileDto> {
  const u = await User.findOne({ handle: handle.toLowerCase(), disabledAt: null }).lean<UserDoc>();
  if (!u) throw AppError.notFound('User');
  const id = String(u._id);
  const isSelf = viewerId === id;
  const v = viewerId && !isSelf ? oid(viewerId) : null;
  const [blockedViewer, blockedByYou, following, requested, followsYou, followerCount, followingCount] =
    await Promise.all([
      v ? Block.exists({ blockerId: u._id, blockedId: v }) : null,
      v ? Block.exists({ blockerId: v, blockedId: u._id }) : null,
      v ? Follow.exists({ followerId: v, followeeId: u._id }) : null,
      v ? FollowRequest.exists({ requesterId: v, targetId: u._id }) : null,
      v ? Follow.exists({ followerId: u._id, followeeId: v }) : null,
      Follow.countDocuments({ followeeId: u._id }),
      Follow.countDocuments({ followerId: u._id }),
    ]);
  // Someone who blocked you is invisible to you (the same answer as an unknown handle).
  if (blockedViewer) throw AppError.notFound('User');
  const visibility = (u.listeningVisibility ?? 'everyone') as ListeningVisibility;
  const canSeeActivity = canSeeListening(visibility, {
    isSelf,
    following: Boolean(following),
    blocked: Boolean(blockedByYou),
    signedIn: viewerId !== null,
  });
  const [recent, playlists] = await Promise.all([
    canSeeActivity ? recentActivity(deps, id, 10) : Promise.resolve([]),
    Playlist.find({ ownerId: u._id, isPublic: true }).sort({ updatedAt: -1 }).limit(50).lean<PlaylistDoc[]>(),
  ]);
  return {
    ...toPersonDto(u),
    followerCount,
    followingCount,
    listeningVisibility: visibility,
    relation: {
      isSelf,
      following: Boolean(following),
      requested: Boolean(requested),
      followsYou: Boolean(followsYou),
      blockedByYou: Boolean(blockedByYou),
    },
    canSeeActivity,
    recent,
    playlists: playlists.map(toPlaylistSummaryDto),
  };
}

/** Recent plays as the presence store keeps them (plays in a private session are never recorded). */
async function recentActivity(deps: CoreDeps, userId: string, limit: number): Promise<ActivityItem[]> {
  const view = (await presenceOf(deps).readMany([userId], limit)).get(userId);
  const recent = view?.recent ?? [];
  const ids = [...new Set(recent.map((r) => r.songId))].filter((s) => /^[a-f0-9]{24}$/.test(s));
  const songs = ids.length
    ? await Song.find({ _id: trusted({ $in: ids.map(oid) }) }, { title: 1, artistName: 1 }).lean()
    : [];
  const byId = new Map(songs.map((s) => [String(s._id), s]));
  return recent.flatMap((r) => {
    const s = byId.get(r.songId);
    return s
      ? [{ song: { id: r.songId, title: s.title, artistName: s.artistName }, startedAt: r.startedAt }]
      : [];
  });
}

/** Followers or followees of a profile as people, minus anyone who blocked the viewer. */
export async function listPeople(
  handle: string,
  direction: 'followers' | 'following',
  viewerId: string | null,
  limit = 100,
): Promise<PersonDto[]> {
  const u = await User.findOne({ handle: handle.toLowerCase(), disabledAt: null }, { _id: 1 }).lean();
  if (!u) throw AppError.notFound('User');
  const id = String(u._id);
  const hidden = new Set(viewerId ? await blockedPeers(viewerId) : []);
  if (hidden.has(id)) throw AppError.notFound('User');
  const edges = await Follow.find(direction === 'followers' ? { followeeId: u._id } : { followerId: u._id })
    .sort({ _id: -1 })
    .limit(limit)
    .lean();
  const ids = edges
    .map((e) => String(direction === 'followers' ? e.followerId : e.followeeId))
    .filter((x) => !hidden.has(x));
  const people = await peopleByIds(ids);
  return ids.flatMap((x) => (people.get(x) ? [people.get(x)!] : []));
}
