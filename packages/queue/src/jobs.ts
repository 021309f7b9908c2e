// Job definitions: queue name, Zod payload schema and default options, in one table. Producers
// (the API) and consumers (workers) both import from here, so a payload is validated on both ends.
// Add a job here first, then its processor in packages/workers/src/processors/.
import type { JobsOptions } from 'bullmq';
import { z } from 'zod';

export type JobDefinition<S extends z.ZodType> = {
  queue: string;
  name: string;
  schema: S;
  defaults: JobsOptions;
};

export function defineJob<S extends z.ZodType>(
  queue: string,
  name: string,
  schema: S,
  defaults: JobsOptions = {},
) {
  return {
    queue,
    name,
    schema,
    defaults: {
      attempts: 5,
      backoff: { type: 'exponential', delay: 1_000 },
      // Completed jobs go after a day or beyond 1,000; failed ones stay a week for the dead-letter view.
      removeOnComplete: { age: 24 * 3600, count: 1_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
      ...defaults,
    },
  } satisfies JobDefinition<S>;
}

export type JobPayload<J> = J extends JobDefinition<infer S> ? z.infer<S> : never;

const objectId = z.string().regex(/^[0-9a-f]{24}$/, 'must be an ObjectId');

/** Transactional mail templates (packages/workers/src/processors/email-templates.ts renders them). */
export const EMAIL_TEMPLATES = ['verifyEmail', 'passwordReset', 'passwordChanged'] as const;
export const ZEmailPayload = z.strictObject({
  template: z.enum(EMAIL_TEMPLATES),
  to: z.email(),
  /** Greeting name and, for verify/reset, the one-time link the mail carries. */
  name: z.string().min(1).max(80),
  link: z.url().optional(),
});

/** Every job of the system. Add a job here first, then its processor in packages/workers. */
export const Jobs = {
  /** Source upload → HLS ladder in S3 → song ready. jobId `transcode:<songId>`. */
  transcode: defineJob(
    'media',
    'transcode',
    z.strictObject({ songId: objectId, sourceKey: z.string().min(1).max(512) }),
    // A 2-hour track takes minutes; a stalled job (worker killed) is retried by another worker. Five
    // attempts from 5 s ride out a dependency outage of about a minute (`pnpm drill s3`).
    { attempts: 5, backoff: { type: 'exponential', delay: 5_000 } },
  ),
  /**
   * A transcode that failed for good (past its retries, or stalled more often than BullMQ allows):
   * the song is marked failed with the reason and its unpublished ladders deleted. Own queue (a
   * Worker takes every job name of its queue); retried for ~3 hours until MongoDB and S3 answer.
   */
  transcodeFailed: defineJob(
    'media-cleanup',
    'transcode.failed',
    z.strictObject({ songId: objectId, reason: z.string().min(1).max(500) }),
    { attempts: 12, backoff: { type: 'exponential', delay: 5_000 } },
  ),
  /** Sends one transactional mail through SMTP; jobId = the producer's idempotency key. */
  sendEmail: defineJob('email', 'email.send', ZEmailPayload, {
    attempts: 6,
    backoff: { type: 'exponential', delay: 2_000 },
  }),
  /**
   * Counts one stored PlayEvent into song/artist/album counters and daily aggregates; jobId =
   * play-<userId>-<eventId> (BullMQ ids may not contain ":"; eventId is unique per user only). userId
   * and startedAt are the event's unique key with eventId (the shard key's fields: a targeted read on
   * a sharded play_events); jobs without them (queued before) find the event by eventId.
   */
  countPlay: defineJob(
    'stats',
    'stats.countPlay',
    z.strictObject({
      eventId: z.string().min(1).max(64),
      userId: objectId.optional(),
      startedAt: z.iso.datetime().optional(),
    }),
  ),
  /** Resizes an uploaded cover into several sizes and formats in S3; jobId = cover-<kind>-<id>. */
  processCover: defineJob(
    'covers',
    'cover.process',
    z.strictObject({
      kind: z.enum(['album', 'artist', 'user']),
      id: objectId,
      /** S3 key of the uploaded original. */
      sourceKey: z.string().min(1).max(512),
    }),
    { attempts: 4, backoff: { type: 'exponential', delay: 5_000 } },
  ),
  /** Rolls raw play events past PLAY_EVENTS_RETENTION_DAYS into play_archive and deletes them (daily). */
  archivePlays: defineJob(
    'maintenance',
    'plays.archive',
    z.strictObject({ retentionDays: z.number().int().min(1).max(36_500).optional() }),
    { attempts: 3, removeOnComplete: { age: 7 * 24 * 3600, count: 50 } },
  ),
  /** Recomputes "More like this" neighbours from play events (incremental every 10 min, full nightly). */
  songNeighbors: defineJob(
    'recommendations',
    'song-neighbors',
    z.strictObject({ mode: z.enum(['incremental', 'full']).default('incremental') }),
    // One run at a time is enough; a failed run is simply redone by the next tick.
    { attempts: 2, removeOnComplete: { age: 3600, count: 50 } },
  ),
  /** EBU R128 loudness of an album over its tracks' sources, once all are ready; jobId album-loudness-<albumId>-<songId>-<version>. */
  albumLoudness: defineJob('album-loudness', 'album.loudness', z.strictObject({ albumId: objectId }), {
    attempts: 3,
    backoff: { type: 'exponential', delay: 5_000 },
  }),
  /**
   * Deletes the tombstone finalize left at a used upload key once its presigned URL has expired
   * (docs/SECURITY.md: what was checked is what is transcoded). Delayed; jobId upload-sweep-<songId>.
   */
  uploadSweep: defineJob('upload-sweep', 'upload.sweep', z.strictObject({ songId: objectId }), {
    attempts: 5,
    backoff: { type: 'exponential', delay: 10_000 },
  }),
} as const;

/** Where jobs that failed past their retries are copied, with their reason, for the admin view. */
export const DEAD_LETTER_QUEUE = 'dead-letter';
