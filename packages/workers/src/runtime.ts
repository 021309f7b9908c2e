// Runs processors as BullMQ Workers: validates payloads, times each job, counts outcomes, and copies
// a job that failed for good (past its retries, or unrecoverable) into the dead-letter queue.
// main.ts runs it for the process; tests run it in-process on their own connection and deps.

import type { RedisClient as Redis } from '@tonearm/cache';
import { metrics } from '@tonearm/observability';
import { deadLetter, hashTagged, QUEUE_PREFIX } from '@tonearm/queue';
import { type Job, Worker } from 'bullmq';
import type { WorkerDeps } from './deps';
import type { Processor } from './processor';

export type WorkerPool = { workers: Worker[]; close(): Promise<void> };

export const STALLED_INTERVAL_MS = 15_000;

/** BullMQ's reason for a job that stalled more often than maxStalledCount (its worker died twice). */
export const STALLED_TOO_OFTEN = 'job stalled more than allowable limit';

export function isFinalFailure(job: Job, err: Error): boolean {
  return (
    err.name === 'UnrecoverableError' ||
    err.message === STALLED_TOO_OFTEN ||
    job.attemptsMade >= (job.opts.attempts ?? 1)
  );
}

export function startWorkers(opts: {
  processors: readonly Processor[];
  /** A fresh blocking connection per BullMQ Worker (workerConnection()). */
  connection: () => Redis;
  /** Handed to every job; its queues take the dead letters, so they share `prefix`. */
  deps: WorkerDeps;
  prefix?: string;
  /** Tests shorten BullMQ's stall detection (defaults: every 30 s, a job may stall once). */
  stalls?: { stalledInterval?: number; maxStalledCount?: number };
}): WorkerPool {
  const { deps } = opts;
  const workers = opts.processors.map((p) => {
    const w = new Worker(
      p.job.queue,
      async (job) => {
        const end = metrics.jobDuration.startTimer({ queue: p.job.queue, name: job.name });
        try {
          const out = await p.run(job.data, {
            job,
            log: deps.log.child({
              'job.id': job.id,
              'job.name': job.name,
              'job.attempt': job.attemptsMade + 1,
            }),
            deps,
          });
          end({ status: 'completed' });
          return out;
        } catch (e) {
          end({ status: 'failed' });
          throw e;
        }
      },
      {
        connection: opts.connection(),
        prefix: hashTagged(opts.prefix ?? QUEUE_PREFIX),
        concurrency: p.concurrency,
        lockDuration: p.lockDuration ?? 30_000,
        // How often a worker looks for jobs whose lock lapsed (a killed worker's): one small script
        // call per interval, against BullMQ's 30 s default, so a crash costs at most lock + 15 s.
        stalledInterval: STALLED_INTERVAL_MS,
        ...opts.stalls,
      },
    );
    w.on('completed', () => metrics.jobsTotal.inc({ queue: p.job.queue, status: 'completed' }));
    w.on('failed', (job, err) => {
      metrics.jobsTotal.inc({ queue: p.job.queue, status: 'failed' });
      if (!job) return;
      const final = isFinalFailure(job, err);
      deps.log[final ? 'error' : 'warn'](
        { 'job.id': job.id, 'job.name': job.name, 'job.attempts': job.attemptsMade, err },
        final ? 'job failed for good: dead-lettered' : 'job failed: will retry',
      );
      if (final) {
        metrics.jobsTotal.inc({ queue: p.job.queue, status: 'dead' });
        void deadLetter(deps.queues, job, err.message).catch((e: unknown) =>
          deps.log.error({ err: e, 'job.id': job.id }, 'could not write dead letter'),
        );
        void p
          .onFinalFailure?.(job.data, err.message, { job, log: deps.log, deps })
          .catch((e: unknown) =>
            deps.log.error({ err: e, 'job.id': job.id }, 'final-failure handler failed'),
          );
      }
    });
    w.on('error', (err) => deps.log.error({ err, 'job.queue': p.job.queue }, 'worker error'));
    return w;
  });
  return {
    workers,
    /** Stops taking jobs and waits for running ones to finish; a job that outlives the caller's
     * deadline is handed back by BullMQ's stalled-job check once its lock expires. */
    async close() {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
