// The transcode processor: a thin shell over core's runTranscode (probe, loudness, ladder into a fresh
// prefix, verify, publish in one update). One job at a time per process: a ladder already uses every
// core through its parallel encoder processes.
import { env } from '@tonearm/config';
import { abandonTranscode, runTranscode } from '@tonearm/core';
import { Jobs } from '@tonearm/queue';
import { defineProcessor } from '../processor';

export const transcodeProcessor = defineProcessor({
  job: Jobs.transcode,
  concurrency: 1,
  // ffmpeg runs in child processes, so the event loop stays free to renew the lock (every 15 s); a
  // killed worker's job is picked up by another worker once this lock lapses and the next stalled
  // check runs: 30–45 s with the runtime's 15 s check (`pnpm drill worker`; it was 95 s at 60 s + 30 s).
  lockDuration: 30_000,
  async handle(payload, { job, log, deps }) {
    const cfg = env();
    const attempts = job.opts.attempts ?? 1;
    return runTranscode(deps.media, payload, {
      attemptsMade: job.attemptsMade,
      isFinal: job.attemptsMade + 1 >= attempts,
      log,
      coder: cfg.MEDIA_AAC_CODER,
      processes: cfg.MEDIA_ENCODER_PROCESSES || undefined,
    });
  },
  // Failed for good by any path (retries exhausted, or BullMQ failing a job that stalled twice, which
  // the handler never sees): a job of its own marks the song failed and removes unpublished ladders,
  // retried until MongoDB and S3 answer. Without it such a song stayed `transcoding` forever.
  async onFinalFailure({ songId }, reason, { deps }) {
    await deps.queues.enqueue(Jobs.transcodeFailed, {
      songId,
      reason: reason.slice(0, 500) || 'transcode failed',
    });
  },
});

/** Settles a transcode that failed for good (see onFinalFailure above). */
export const transcodeFailedProcessor = defineProcessor({
  job: Jobs.transcodeFailed,
  concurrency: 2,
  async handle({ songId, reason }, { log, deps }) {
    return abandonTranscode(deps.media, songId, reason, log);
  },
});
