// The follow graph: public profiles, follow, unfollow, block. Blocking removes the follow edges both
// ways and stops the blocked person from following again. The feed over the edges is core/feed/ (its
// live updates go through @tonearm/realtime); this module owns only the edges.
import { Block, Follow, FollowRequest, mongoose, User, type UserDoc } from '@tonearm/db';
import { AppError, type Page } from '@tonearm/validators';
import { SocialCache } from './cache-keys';
import type { CoreDeps } from './deps';
import type { FollowEdgeDto, ProfileDto } from './dto';
import { liveAudience } from './feed/audience';
import { findPage, type PageRequest, pageKey } from './pagination';

export type { FollowEdgeDto };

export async function getProfile(
  deps: CoreDeps,
  handle: string,
  viewerId: string | null,
): Promise<ProfileDto> {
  const profile = await deps.cache.getOrLoad(
    SocialCache.profile,
    handle.toLowerCase(),
    async () => {
      const u = await User.findOne({ handle: handle.toLowerCase() }).lean<UserDoc>();
      if (!u) return null;
      const [followerCount, followingCount] = await Promise.all([
        Follow.countDocuments({ followeeId: u._id }),
        Follow.countDocuments({ followerId: u._id }),
      ]);
      return {
        id: String(u._id),
        handle: u.handle,
        displayName: u.displayName,
        followerCount,
        followingCount,
      } satisfies ProfileDto;
    },
    { ttlSeconds: 60 },
  );
  // Someone who blocked you is invisible to you.
  if (!profile || (viewerId && (await Block.exists({ blockerId: profile.id, blockedId: viewerId }))))
    throw AppError.notFound('User');
  return profile;
}

async function dropProfiles(deps: CoreDeps, ...userIds: string[]): Promise<void> {
  const users = await User.find({ _id: mongoose.trusted({ $in: userIds }) }, { handle: 1 }).lean();
  await deps.cache.invalidate(SocialCache.profile, ...users.map((u) => u.handle.toLowerCase()));
  await deps.cache.invalidateTags(...userIds.map(SocialCache.ofUser));
}

/**
 * Follows targetId, or asks to when the target approves followers ("approved"): then a follow request
 * waits for the target's accept. Someone who blocked you cannot be followed (NOT_FOUND, as if absent);
 * someone you blocked must be unblocked first.
 */
export async function follow(
  deps: CoreDeps,
  userId: string,
  targetId: string,
): Promise<{ following: boolean; requested: boolean }> {
  if (userId === targetId) throw AppError.badRequest('You cannot follow yourself', { field: 'userId' });
  const target = await User.findOne(
    { _id: targetId, disabledAt: null },
    { listeningVisibility: 1, isActivityPrivate: 1 },
  ).lean();
  if (!target) throw AppError.notFound('User');
  if (await Block.exists({ blockerId: targetId, blockedId: userId })) throw AppError.notFound('User');
  if (await Block.exists({ blockerId: userId, blockedId: targetId }))
    throw AppError.badRequest('You blocked this person; unblock them before following', { field: 'userId' });
  if (await Follow.exists({ followerId: userId, followeeId: targetId }))
    return { following: true, requested: false };
  if (target.listeningVisibility === 'approved') {
    await FollowRequest.updateOne(
      { requesterId: userId, targetId },
      { $setOnInsert: { requesterId: userId, targetId } },
      { upsert: true, timestamps: true },
    );
    liveAudience(deps).toUser(targetId, 'follow:requested', { userId });
    return { following: false, requested: true };
  }
  await Follow.updateOne(
    { followerId: userId, followeeId: targetId },
    { $setOnInsert: { followerId: userId, followeeId: targetId } },
    { upsert: true, timestamps: true },
  );
  await dropProfiles(deps, userId, targetId);
  if (!target.isActivityPrivate) liveAudience(deps).grantAudience(userId, targetId);
  return { following: true, requested: false };
}

export async function unfollow(
  deps: CoreDeps,
  userId: string,
  targetId: string,
): Promise<{ following: false }> {
  await Follow.deleteOne({ followerId: userId, followeeId: targetId });
  await dropProfiles(deps, userId, targetId);
  liveAudience(deps).revokeAudience(userId, targetId);
  return { following: false };
}

export async function block(deps: CoreDeps, userId: string, targetId: string): Promise<{ blocked: true }> {
  if (userId === targetId) throw AppError.badRequest('You cannot block yourself', { field: 'userId' });
  if (!(await User.exists({ _id: targetId }))) throw AppError.notFound('User');
  await Block.updateOne(
    { blockerId: userId, blockedId: targetId },
    { $setOnInsert: { blockerId: userId, blockedId: targetId } },
    { upsert: true, timestamps: true },
  );
  await Follow.deleteOne({ followerId: userId, followeeId: targetId });
  await Follow.deleteOne({ followerId: targetId, followeeId: userId });
  await FollowRequest.deleteMany(
    mongoose.trusted({
      $or: [
        { requesterId: userId, targetId },
        { requesterId: targetId, targetId: userId },
      ],
    }),
  );
  await dropProfiles(deps, userId, targetId);
  liveAudience(deps).revokeAudience(userId, targetId);
  liveAudience(deps).revokeAudience(targetId, userId);
  liveAudience(deps).toUser(targetId, 'friend:hidden', { userId });
  liveAudience(deps).toUser(userId, 'friend:hidden', { userId: targetId });
  return { blocked: true };
}

export async function unblock(deps: CoreDeps, userId: string, targetId: string): Promise<{ blocked: false }> {
  await Block.deleteOne({ blockerId: userId, blockedId: targetId });
  await dropProfiles(deps, userId, targetId);
  return { blocked: false };
}

type FollowLean = { _id: never; followerId: unknown; followeeId: unknown; createdAt?: Date };

function edges(
  deps: CoreDeps,
  userId: string,
  direction: 'followers' | 'following',
  page: PageRequest,
): Promise<Page<FollowEdgeDto>> {
  const filter = direction === 'followers' ? { followeeId: userId } : { followerId: userId };
  return deps.cache.getOrLoad(
    SocialCache.followPageNs,
    pageKey(`${direction}:${userId}`, page),
    () =>
      findPage(Follow, filter, [{ field: '_id', dir: -1 }], page, (f: FollowLean) => ({
        userId: String(direction === 'followers' ? f.followerId : f.followeeId),
        since: (f.createdAt ?? new Date(0)).toISOString(),
      })),
    { tags: [SocialCache.ofUser(userId)] },
  );
}

export const followersOf = (deps: CoreDeps, userId: string, page: PageRequest) =>
  edges(deps, userId, 'followers', page);
export const followingOf = (deps: CoreDeps, userId: string, page: PageRequest) =>
  edges(deps, userId, 'following', page);
