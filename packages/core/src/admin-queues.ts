// The admin queue dashboard's operations, shared by the queue.* tRPC procedures and the server's
// /admin/queues page: depth per queue and state, the jobs that failed past their retries (without
// their payloads: they may carry addresses and one-time links), and retrying one. Callers authorise
// (adminProcedure, the page's guard); these only need the queues.
import {
  type DeadLetter,
  Jobs,
  listFailed,
  type QueueDepth,
  queueDepths,
  queueNamesOf,
  retryFailed,
} from '@tonearm/queue';
import { AppError } from '@tonearm/validators';
import { type CoreDeps, requireQueues } from './deps';

/** A dead letter without its payload. */
export type FailedJobDto = Omit<DeadLetter, 'data'>;

/** Every queue the product's jobs run on. */
export const adminQueueNames = (): string[] => queueNamesOf(Jobs);

export function queueOverview(deps: CoreDeps): Promise<QueueDepth[]> {
  return queueDepths(requireQueues(deps), adminQueueNames());
}

/** Jobs that failed for good, newest first. */
export async function failedJobs(deps: CoreDeps, limit: number): Promise<FailedJobDto[]> {
  const rows = await listFailed(requireQueues(deps), adminQueueNames(), limit);
  return rows.map(({ data: _data, ...r }) => r);
}

/** Puts a failed job back in its queue; NOT_FOUND for an unknown queue or a job not in its failed set. */
export async function retryFailedJob(deps: CoreDeps, queue: string, jobId: string): Promise<void> {
  const queues = requireQueues(deps);
  if (!adminQueueNames().includes(queue)) throw AppError.notFound('Queue');
  if (!(await retryFailed(queues, queue, jobId))) throw AppError.notFound('Failed job');
}
