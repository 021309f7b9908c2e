// People: who may see my listening (everyone / people I approve / nobody), follow requests, full
// profiles with what the viewer may see, people search (typo-tolerant, MiniSearch over handles and
// display names) and "people you may know". The follow edges themselves stay in social.ts; the live
// feed's rules are in feed/visibility.ts, which reads the setting written here.
import {
  Block,
  Follow,
  FollowRequest,
  type ListeningVisibility,
  mongoose,
  PlayEvent,
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
  type PersonHit,
  type PrivacyDto,
  type Relation,
  type SuggestionDto,
} from '@tonearm/validators';
import MiniSearch from 'minisearch';
import { Types } from 'mongoose';
import { SocialCache } from './cache-keys';
import type { CoreDeps } from './deps';
import { avatarUrl as avatarUrlOf, toPlaylistSummaryDto } from './dto';
import { liveAudience } from './feed/audience';
import { presenceOf } from './feed/presence';
import { blockedPeers } from './feed/visibility';

export type {
  ActivityItem,
  FollowRequestDto,
  FullProfileDto,
  PersonDto,
  PersonHit,
  PrivacyDto,
  Relation,
  SuggestionDto,
};

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

async function peopleByIds(ids: string[]): Promise<Map<string, PersonDto>> {
  const valid = ids.filter((i) => /^[a-f0-9]{24}$/.test(i));
  const docs = valid.length
    ? await User.find({ _id: trusted({ $in: valid.map(oid) }), disabledAt: null }, PERSON_FIELDS).lean()
    : [];
  return new Map(docs.map((d) => [String(d._id), toPersonDto(d)]));
}

/** Bumped on every change to a handle, display name or account: search indexes rebuild on it. */
const PEOPLE_VERSION_KEY = 'people:version';
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

// --- search -----------------------------------------------------------------------------

type PeopleIndex = {
  version: string;
  index: MiniSearch<{ id: string; handle: string; displayName: string }>;
};
const indexes = new WeakMap<object, PeopleIndex>();
/** Beyond this many accounts people search indexes the first ones only (a shared home server has tens). */
export const MAX_INDEXED_PEOPLE = 50_000;

async function peopleIndex(deps: CoreDeps): Promise<PeopleIndex['index']> {
  // The counter covers edits through the product; the newest id and the count also catch accounts
  // written by other paths (the admin command, seeds).
  const [counter, newest, count] = await Promise.all([
    deps.redis.get(PEOPLE_VERSION_KEY).catch(() => null),
    User.findOne({}, { _id: 1 }).sort({ _id: -1 }).lean(),
    User.estimatedDocumentCount(),
  ]);
  const version = `${counter ?? '0'}:${String(newest?._id ?? '')}:${count}`;
  const cached = indexes.get(deps.redis);
  if (cached && cached.version === version) return cached.index;
  const index = new MiniSearch<{ id: string; handle: string; displayName: string }>({
    fields: ['handle', 'displayName'],
    storeFields: ['handle', 'displayName'],
    // Handles are one word with underscores: split them like display names so "ada_l" finds "ada".
    tokenize: (s) =>
      s
        .toLowerCase()
        .split(/[\s_\-.]+/)
        .filter(Boolean),
    processTerm: (t) => t.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase(),
  });
  const users = await User.find({ disabledAt: null }, { handle: 1, displayName: 1 })
    .limit(MAX_INDEXED_PEOPLE)
    .lean();
  index.addAll(
    users.map((u) => ({
      id: String(u._id),
      handle: `${u.handle} ${u.handle.replace(/_/g, '')}`,
      displayName: u.displayName,
    })),
  );
  indexes.set(deps.redis, { version, index });
  return index;
}

/** Typo-tolerant people search on handle and display name; hides people who blocked the viewer. */
export async function searchPeople(
  deps: CoreDeps,
  q: string,
  viewerId: string | null,
  limit = 10,
): Promise<PersonHit[]> {
  const index = await peopleIndex(deps);
  const query = q.trim().replace(/^@/, '');
  const hits = index.search(query, {
    prefix: (term) => term.length >= 2,
    fuzzy: (term) => (term.length <= 3 ? false : term.length <= 6 ? 1 : 2),
    boost: { handle: 2 },
    combineWith: 'AND',
  });
  const hidden = new Set(viewerId ? await blockedPeers(viewerId) : []);
  const ids = hits
    .map((h) => String(h.id))
    .filter((id) => !hidden.has(id) && id !== viewerId)
    .slice(0, limit);
  const people = await peopleByIds(ids);
  const score = new Map(hits.map((h) => [String(h.id), h.score]));
  return ids.flatMap((id) => {
    const p = people.get(id);
    return p ? [{ ...p, score: score.get(id) ?? 0 }] : [];
  });
}

// --- people you may know -----------------------------------------------------------------

/**
 * Follows of my follows (each counts 2) and people who played the songs I played lately (each shared
 * song counts 1), minus me, whom I follow or asked to, and blocks either way.
 */
export async function suggestPeople(userId: string, limit = 10): Promise<SuggestionDto[]> {
  const me = oid(userId);
  const [myFollows, blocked, myRequests, myPlays] = await Promise.all([
    Follow.find({ followerId: me }, { followeeId: 1 }).limit(2_000).lean(),
    blockedPeers(userId),
    FollowRequest.find({ requesterId: me }, { targetId: 1 }).lean(),
    PlayEvent.find({ userId: me }, { songId: 1 }).sort({ startedAt: -1 }).limit(200).lean(),
  ]);
  const exclude = new Set([
    userId,
    ...blocked,
    ...myFollows.map((f) => String(f.followeeId)),
    ...myRequests.map((r) => String(r.targetId)),
  ]);
  const mutual = new Map<string, number>();
  if (myFollows.length) {
    const rows = await Follow.aggregate<{ _id: Types.ObjectId; n: number }>([
      { $match: { followerId: trusted({ $in: myFollows.map((f) => f.followeeId) }) } },
      { $group: { _id: '$followeeId', n: { $sum: 1 } } },
      { $sort: { n: -1 } },
      { $limit: 500 },
    ]);
    for (const r of rows) if (!exclude.has(String(r._id))) mutual.set(String(r._id), r.n);
  }
  const shared = new Map<string, number>();
  const songIds = [...new Set(myPlays.map((p) => String(p.songId)))];
  if (songIds.length) {
    const rows = await PlayEvent.aggregate<{ _id: Types.ObjectId; n: number }>([
      { $match: { songId: trusted({ $in: songIds.map(oid) }), userId: trusted({ $ne: me }) } },
      { $group: { _id: { u: '$userId', s: '$songId' } } },
      { $group: { _id: '$_id.u', n: { $sum: 1 } } },
      { $sort: { n: -1 } },
      { $limit: 500 },
    ]);
    for (const r of rows) if (!exclude.has(String(r._id))) shared.set(String(r._id), r.n);
  }
  const ranked = [...new Set([...mutual.keys(), ...shared.keys()])]
    .map((id) => ({ id, m: mutual.get(id) ?? 0, s: shared.get(id) ?? 0 }))
    .sort((a, b) => 2 * b.m + b.s - (2 * a.m + a.s) || a.id.localeCompare(b.id));
  const people = await peopleByIds(ranked.slice(0, limit * 2).map((r) => r.id));
  return ranked
    .flatMap((r) => {
      const p = people.get(r.id);
      if (!p) return [];
      const reason =
        r.m > 0
          ? `Followed by ${r.m} ${r.m === 1 ? 'person' : 'people'} you follow`
          : `Listens to ${r.s} of the songs you played`;
      return [{ ...p, mutualFollows: r.m, sharedSongs: r.s, reason }];
    })
    .slice(0, limit);
}
