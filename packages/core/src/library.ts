// A listener's library: liked songs. Like and unlike are idempotent (a retried request is harmless);
// the song's likeCount moves only when a like is really created or removed.
import { Like, Song } from '@tonearm/db';
import { AppError, type Page } from '@tonearm/validators';
import { LikesCache } from './cache-keys';
import { getSongsByIds } from './catalog';
import type { CoreDeps } from './deps';
import type { SongDto } from './dto';
import { findPage, type PageRequest, pageKey } from './pagination';

export type LikeDto = { songId: string; likedAt: string; song: SongDto | null };

export async function likeSong(deps: CoreDeps, userId: string, songId: string): Promise<{ liked: true }> {
  if (!(await Song.exists({ _id: songId }))) throw AppError.notFound('Song');
  const res = await Like.updateOne(
    { userId, songId },
    { $setOnInsert: { userId, songId } },
    { upsert: true, timestamps: true },
  );
  if (res.upsertedCount > 0) await Song.updateOne({ _id: songId }, { $inc: { likeCount: 1 } });
  await deps.cache.invalidateTags(LikesCache.ofUser(userId));
  return { liked: true };
}

export async function unlikeSong(deps: CoreDeps, userId: string, songId: string): Promise<{ liked: false }> {
  const res = await Like.deleteOne({ userId, songId });
  if (res.deletedCount > 0) await Song.updateOne({ _id: songId }, { $inc: { likeCount: -1 } });
  await deps.cache.invalidateTags(LikesCache.ofUser(userId));
  return { liked: false };
}

type LikeLean = { _id: unknown; songId: unknown; createdAt?: Date };

/** Newest likes first; songs resolved through the song cache (a deleted song comes back null). */
export async function listLikes(deps: CoreDeps, userId: string, page: PageRequest): Promise<Page<LikeDto>> {
  const ids = await deps.cache.getOrLoad(
    LikesCache.pageNs,
    pageKey(userId, page),
    () =>
      findPage(Like, { userId }, [{ field: '_id', dir: -1 }], page, (l: LikeLean & { _id: never }) => ({
        songId: String(l.songId),
        likedAt: (l.createdAt ?? new Date(0)).toISOString(),
      })),
    { tags: [LikesCache.ofUser(userId)] },
  );
  const songs = await getSongsByIds(
    deps,
    ids.items.map((i) => i.songId),
  );
  return { items: ids.items.map((i, n) => ({ ...i, song: songs[n] ?? null })), nextCursor: ids.nextCursor };
}
