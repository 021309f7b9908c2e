// Play reports: the request path stores the PlayEvent (idempotent by the client's eventId) and
// enqueues its counting; the stats job (packages/workers/src/processors/stats.ts) does the rest.
// Also tracks who is streaming now, for the tonearm_listeners_streaming gauge.

import type { RedisClient as Redis } from '@tonearm/cache';
import { PlayEvent, recordListen, Song, type SongDoc, Types } from '@tonearm/db';
import { Jobs } from '@tonearm/queue';
import { AppError } from '@tonearm/validators';
import { trusted } from 'mongoose';
import { type CoreDeps, requireQueues } from './deps';
import { type SongDto, toSongDto } from './dto';
import { forYouTag } from './recs/serve';

const STREAMING_KEY = 'listeners:streaming';
/**
 * How long a play report waits for its stats job to be enqueued before answering 503 (the event is
 * stored by then; the player's retry with the same eventId enqueues it once). Bounds a report during
 * a Redis Cluster failover, when the queue's master is gone until its replica is promoted.
 */
export const PLAY_ENQUEUE_DEADLINE_MS = 2_000;

/** A listener counts as streaming for this long after their last heartbeat or play report. */
export const STREAMING_WINDOW_MS = 60_000;

export type ReportPlayInput = {
  eventId: string;
  songId: string;
  startedAt: Date;
  playedSec: number;
  completed: boolean;
};

/**
 * Records one play. A retried report with the same eventId neither stores a second event, nor counts
 * twice in the listener rows, nor enqueues a second job (jobId = play-<userId>-<eventId>); it completes
 * whatever the first attempt did not get to, and answers as the first did.
 */
export async function reportPlay(
  deps: CoreDeps,
  userId: string,
  input: ReportPlayInput,
): Promise<{ eventId: string; isDuplicate: boolean }> {
  const queues = requireQueues(deps);
  const song = await Song.findById(input.songId).select({ artistId: 1, durationSec: 1 }).lean<SongDoc>();
  if (!song) throw AppError.notFound('Song');
  if (input.startedAt.getTime() > Date.now() + 60_000)
    throw AppError.badRequest('startedAt is in the future');
  const playedSec = Math.min(input.playedSec, Math.max(song.durationSec, 1) * 2);
  // The whole unique key (and so the shard key) in the filter: a sharded upsert must name it.
  const key = { userId: new Types.ObjectId(userId), startedAt: input.startedAt, eventId: input.eventId };
  const res = await PlayEvent.updateOne(
    key,
    {
      $setOnInsert: {
        eventId: input.eventId,
        userId,
        songId: song._id,
        artistId: song.artistId,
        startedAt: input.startedAt,
        playedSec,
        completed: input.completed,
        countedAt: null,
      },
    },
    { upsert: true },
  ).catch((e: unknown) => {
    // Two copies of the same report raced on the upsert: the unique key kept one.
    if ((e as { code?: number }).code === 11000) return { upsertedCount: 0 };
    throw e;
  });
  const isDuplicate = res.upsertedCount === 0;
  // The per-listener rows the recommendations read (leave out what they play, weigh their history).
  // On duplicates too: idempotent per eventId, so a report that died after storing the event (its
  // retry is a duplicate) gets its listener row now, and a replay counts nothing.
  await recordListen({ userId, songId: song._id, startedAt: input.startedAt, eventId: input.eventId });
  // Their cached "For you" is stale now (one INCR; serving also re-checks their listener_index).
  await deps.cache.invalidateTags(forYouTag(userId));
  // Enqueued on duplicates too: if the first request stored the event but died before enqueuing,
  // the retry completes it; BullMQ's jobId keeps it to one job either way.
  await queues.enqueue(
    Jobs.countPlay,
    { eventId: input.eventId, userId, startedAt: input.startedAt.toISOString() },
    { jobId: playJobId(userId, input.eventId) },
    { deadlineMs: PLAY_ENQUEUE_DEADLINE_MS },
  );
  await markStreaming(deps.redis, userId);
  return { eventId: input.eventId, isDuplicate };
}

/** The counting job's id: one per (listener, eventId); BullMQ ids may not contain ":". */
export const playJobId = (userId: string, eventId: string) => `play-${userId}-${eventId}`;

/** Notes that a user is streaming now (players call it through play reports or heartbeats). */
export async function markStreaming(redis: Redis, userId: string): Promise<void> {
  const now = Date.now();
  await redis
    .multi()
    .zadd(STREAMING_KEY, now, userId)
    .zremrangebyscore(STREAMING_KEY, 0, now - STREAMING_WINDOW_MS)
    .exec();
}

export async function countStreaming(redis: Redis): Promise<number> {
  return redis.zcount(STREAMING_KEY, Date.now() - STREAMING_WINDOW_MS, '+inf');
}

export type RecentPlay = { song: SongDto; playedAt: string };

/**
 * The user's recently played songs, newest first, each once (its latest play). Reads the stored play
 * events directly (the {userId, startedAt} index), so a report shows up before the stats job counts it.
 */
export async function recentlyPlayed(userId: string, limit: number): Promise<RecentPlay[]> {
  const events = await PlayEvent.find({ userId: new Types.ObjectId(userId) })
    .sort({ startedAt: -1 })
    .limit(limit * 4)
    .select({ songId: 1, startedAt: 1 })
    .lean();
  const latest = new Map<string, Date>();
  for (const e of events) {
    const id = String(e.songId);
    if (!latest.has(id)) latest.set(id, e.startedAt);
    if (latest.size === limit) break;
  }
  if (latest.size === 0) return [];
  const docs = await Song.find({
    _id: trusted({ $in: [...latest.keys()].map((id) => new Types.ObjectId(id)) }),
  }).lean<SongDoc[]>();
  const byId = new Map(docs.map((d) => [String(d._id), d]));
  const out: RecentPlay[] = [];
  for (const [id, at] of latest) {
    const d = byId.get(id);
    if (d) out.push({ song: toSongDto(d), playedAt: at.toISOString() });
  }
  return out;
}
