// Operator views over the queues: depth per state, the dead-letter list (jobs that failed past
// their retries, with their reason) and retrying one. Used by the admin procedures and /metrics.
import type { Job } from 'bullmq';
import type { Queues } from './connection';
import { DEAD_LETTER_QUEUE, type JobDefinition } from './jobs';

export const JOB_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized'] as const;

export type QueueDepth = { queue: string; state: string; count: number };

export async function queueDepths(queues: Queues, names: readonly string[]): Promise<QueueDepth[]> {
  const rows: QueueDepth[] = [];
  await Promise.all(
    names.map(async (queue) => {
      const counts = await queues.get(queue).getJobCounts(...JOB_STATES);
      for (const state of JOB_STATES) rows.push({ queue, state, count: counts[state] ?? 0 });
    }),
  );
  return rows;
}

export type DeadLetter = {
  queue: string;
  jobId: string;
  name: string;
  failedReason: string;
  attemptsMade: number;
  failedAt: number | null;
  data: unknown;
};

/** A record written to the dead-letter queue when a job fails for good. */
export type DeadLetterRecord = Omit<DeadLetter, 'failedAt'> & { failedAt: number };

/** Copies a job that will not be retried again into the dead-letter queue (idempotent per job). */
export async function deadLetter(queues: Queues, job: Job, reason: string): Promise<void> {
  const record: DeadLetterRecord = {
    queue: job.queueName,
    jobId: String(job.id),
    name: job.name,
    failedReason: reason,
    attemptsMade: job.attemptsMade,
    failedAt: job.finishedOn ?? Date.now(),
    data: job.data,
  };
  await queues.get(DEAD_LETTER_QUEUE).add('dead', record, {
    jobId: `${job.queueName}-${job.id}`,
    removeOnComplete: true,
    removeOnFail: true,
  });
}

/** Jobs that failed past their retries, newest first, from the queues' failed sets. */
export async function listFailed(
  queues: Queues,
  names: readonly string[],
  limit = 50,
): Promise<DeadLetter[]> {
  const all = await Promise.all(
    names.map(async (queue) => {
      const jobs = await queues.get(queue).getFailed(0, limit - 1);
      return jobs.map(
        (j): DeadLetter => ({
          queue,
          jobId: String(j.id),
          name: j.name,
          failedReason: j.failedReason,
          attemptsMade: j.attemptsMade,
          failedAt: j.finishedOn ?? null,
          data: j.data,
        }),
      );
    }),
  );
  return all
    .flat()
    .sort((a, b) => (b.failedAt ?? 0) - (a.failedAt ?? 0))
    .slice(0, limit);
}

/** Puts a failed job back in its queue; false when it is not (or no longer) in the failed set. */
export async function retryFailed(queues: Queues, queue: string, jobId: string): Promise<boolean> {
  const job = await queues.get(queue).getJob(jobId);
  if (!job || !(await job.isFailed())) return false;
  await job.retry('failed');
  await queues.get(DEAD_LETTER_QUEUE).remove(`${queue}-${jobId}`);
  return true;
}

/** Queue names of a job table (e.g. Jobs), without duplicates. */
export function queueNamesOf(jobs: Record<string, JobDefinition<never> | { queue: string }>): string[] {
  return [...new Set(Object.values(jobs).map((j) => j.queue))];
}
