// The base every BullMQ processor builds on: the payload is validated with the job's Zod schema
// (invalid payloads fail at once, unretried), and each processor states its own idempotency.
// Never imports @tonearm/api.
import type { JobDefinition, Queues } from '@tonearm/queue';
import { type Job, UnrecoverableError } from 'bullmq';
import type { z } from 'zod';

export type ProcessorContext = { job: Job; log: import('@tonearm/observability').Logger };

export type Processor<S extends z.ZodType> = {
  job: JobDefinition<S>;
  /** Jobs of this queue run at once per worker process. */
  concurrency: number;
  /** How long a job may run before BullMQ considers it stalled (ms). */
  lockDuration?: number;
  handle(payload: z.infer<S>, ctx: ProcessorContext): Promise<unknown>;
  /**
   * Runs once on the worker that saw a job of this processor fail for good: past its retries,
   * unrecoverable, or failed by BullMQ because it stalled more often than allowed (its worker killed
   * twice; the handler never sees that). For state the handler's own catch cannot settle.
   */
  onFinalFailure?(
    data: unknown,
    reason: string,
    ctx: { job: Job; queues: Queues; log: ProcessorContext['log'] },
  ): Promise<unknown>;
  /** Repeatable runs the worker registers at start (BullMQ job schedulers, idempotent by id). */
  schedules?: { id: string; every?: number; pattern?: string; payload: z.input<S> }[];
};

export function defineProcessor<S extends z.ZodType>(p: Processor<S>): Processor<S> {
  return p;
}

export function parsePayload<S extends z.ZodType>(job: JobDefinition<S>, data: unknown): z.infer<S> {
  const parsed = job.schema.safeParse(data);
  if (!parsed.success) throw new UnrecoverableError(`invalid payload: ${parsed.error.message}`);
  return parsed.data;
}
