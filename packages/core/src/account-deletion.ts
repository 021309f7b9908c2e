import { onEveryMaster } from '@tonearm/cache';
import {
  AccountToken,
  ApiKey,
  Block,
  Follow,
  FollowRequest,
  Invite,
  Like,
  PlayArchive,
  PlayDaily,
  PlayEvent,
  Playlist,
  Song,
  User,
} from '@tonearm/db';
import { DEAD_LETTER_QUEUE, Jobs, queueNamesOf } from '@tonearm/queue';
import { AppError } from '@tonearm/validators';
import { Types, trusted } from 'mongoose';
import { checkPassword } from './account-settings';
import { destroyUserSessions } from './auth';
import { SocialCache } from './cache-keys';
import type { CoreDeps } from './deps';
import { presenceOf } from './feed/presence';
import { peopleChanged } from './people';

/** Redis keys (under this client's prefix) naming the user: presence, caches, marks. */
async function scanUserKeys(deps: CoreDeps, ...needles: string[]): Promise<string[]> {
  const prefix = deps.redis.options.keyPrefix ?? '';
  const out = new Set<string>();
  // SCAN on every master: a Cluster's keys are spread over its nodes (the nodes have no keyPrefix).
  await onEveryMaster(deps.redis, async (node) => {
    for (const needle of needles) {
      const glob = needle.replace(/[*?[\]\\]/g, '\\$&');
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*${glob}*`, 'COUNT', 1000);
        cursor = next;
        for (const k of keys) out.add(k.slice(prefix.length));
      } while (cursor !== '0');
    }
  });
  return [...out];
}

export type DeletionReport = {
  songs: number;
  s3Objects: number;
  playEvents: number;
  playlists: number;
  likes: number;
  follows: number;
  redisKeys: number;
};

/**
 * Deletes the account and everything it owns, after the password and the typed handle confirm it:
 * uploaded songs and their media in S3, the avatar, play history (removed, with its daily aggregates),
 * playlists, likes, follows, follow requests, blocks, API keys, tokens, invites it used, sessions and
 * presence in Redis. Catalog counters (play counts) are anonymous and stay.
 */
export async function deleteAccount(
  deps: CoreDeps,
  userId: string,
  input: { password: string; confirmHandle: string },
): Promise<DeletionReport> {
  const u = await checkPassword(userId, input.password);
  if (u.handle !== input.confirmHandle)
    throw AppError.badRequest('Type your handle exactly to confirm', { field: 'confirmHandle' });
  return purgeUser(deps, userId);
}

export async function purgeUser(deps: CoreDeps, userId: string): Promise<DeletionReport> {
  const id = new Types.ObjectId(userId);
  const u = await User.findById(id, { handle: 1, email: 1 }).lean();
  let bullJobs = 0;
  // Sign out first, so nothing keeps writing while the rest goes.
  await destroyUserSessions(deps.redis, userId);
  let s3Objects = 0;
  const songs = await Song.find({ uploaderId: id }, { media: 1 }).lean();
  const storage = deps.media?.storage;
  if (storage) {
    for (const s of songs) {
      s3Objects += await storage.deletePrefix(`songs/${String(s._id)}/`);
      // The upload key's tombstone (until the upload sweep job removes it) or an unfinalized upload.
      s3Objects += await storage.deletePrefix(`uploads/${String(s._id)}/`);
      if (s.media?.sourceKey && !s.media.sourceKey.startsWith(`songs/${String(s._id)}/`)) {
        await storage.delete(s.media.sourceKey);
        s3Objects += 1;
      }
    }
    s3Objects += await storage.deletePrefix(`avatars/${userId}/`);
    s3Objects += await storage.deletePrefix(`covers/user/${userId}/`);
  } else if (songs.length) {
    throw new AppError('SERVICE_UNAVAILABLE', { message: 'Storage is unavailable: try again later' });
  }
  const songIds = songs.map((s) => s._id);
  if (songIds.length) await Song.deleteMany({ _id: trusted({ $in: songIds }) });
  const either = (a: string, b: string) => trusted({ $or: [{ [a]: id }, { [b]: id }] });
  const [plays, playlists, likes, follows] = await Promise.all([
    PlayEvent.deleteMany({ userId: id }),
    Playlist.deleteMany({ ownerId: id }),
    Like.deleteMany({ userId: id }),
    Follow.deleteMany(either('followerId', 'followeeId')),
    FollowRequest.deleteMany(either('requesterId', 'targetId')),
    Block.deleteMany(either('blockerId', 'blockedId')),
    PlayDaily.deleteMany({ kind: 'user', refId: id }),
    ApiKey.deleteMany({ userId: id }),
    AccountToken.deleteMany({ userId: id }),
    Invite.updateMany({ usedBy: id }, { $set: { usedBy: null } }),
    Invite.deleteMany({ createdBy: id }),
    // The listener's archived plays (play retention, play-archive.ts) go with their raw ones.
    PlayArchive.deleteMany({ userId: id }),
  ]);
  await User.deleteOne({ _id: id });
  // Redis: presence (connections, view, recent plays, private switch, deadlines), caches, marks.
  const store = presenceOf(deps);
  if (u) await deps.cache.invalidate(SocialCache.profile, u.handle.toLowerCase());
  await deps.cache.invalidateTags(SocialCache.ofUser(userId));
  // Cache entries and generation counters are keyed by id or handle: none may stay.
  // The deadlines first: a sweep of one would write the user's view again.
  const mine = await store.forget(userId);
  const keys = await scanUserKeys(deps, userId, ...(u ? [`:${u.handle.toLowerCase()}`] : []));
  // One DEL per key: on a Cluster they live in different slots.
  await Promise.all(keys.map((k) => deps.redis.del(k)));
  // BullMQ: finished, failed, dead-lettered and pending jobs whose data names the user (mails to
  // their address, their avatar's image job, their plays' counting jobs). A running job finishes.
  if (deps.queues) {
    const email = u?.email?.toLowerCase() ?? null;
    // By id anywhere in the job (ids are unique), by address only as a mail's exact recipient (a
    // dead-lettered job keeps the original's data under `data`).
    const names = (data: unknown): boolean => {
      const d = data as { to?: unknown; data?: { to?: unknown } } | null;
      const to = d?.to ?? d?.data?.to;
      return email !== null && typeof to === 'string' && to.toLowerCase() === email;
    };
    for (const name of [...queueNamesOf(Jobs), DEAD_LETTER_QUEUE]) {
      const q = deps.queues.get(name);
      const jobs = await q.getJobs(['completed', 'failed', 'delayed', 'waiting', 'prioritized']);
      for (const job of jobs) {
        if (!job?.id) continue;
        const text = `${job.id} ${JSON.stringify(job.data ?? null)}`;
        if (!text.includes(userId) && !names(job.data)) continue;
        await job.remove().catch(() => {});
        bullJobs += 1;
      }
    }
  }
  await peopleChanged(deps);
  return {
    songs: songIds.length,
    s3Objects,
    playEvents: plays.deletedCount,
    playlists: playlists.deletedCount,
    likes: likes.deletedCount,
    follows: follows.deletedCount,
    redisKeys: keys.length + mine + bullJobs,
  };
}
