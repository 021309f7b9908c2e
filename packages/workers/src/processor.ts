// The base every BullMQ processor builds on: the payload is validated with the job's Zod schema
// (invalid payloads fail at once, unretried), and each processor states its own idempotency.
// Processors receive the process's dependencies in their context (`ctx.deps`, built once by the
// entry point: deps.ts); none opens a connection of its own. Never imports @tonearm/api.
import type { Logger } from '@tonearm/observability';
import type { JobDefinition } from '@tonearm/queue';
import { type Job, UnrecoverableError } from 'bullmq';
import type { z } from 'zod';
import type { WorkerDeps } from './deps';

export type ProcessorContext = { job: Job; log: Logger; deps: WorkerDeps };

type Schedule<P> = { id: string; every?: number; pattern?: string; payload: P };

/** What a processor module writes: typed by its job's payload schema. */
export type ProcessorDefinition<S extends z.ZodType> = {
  job: JobDefinition<S>;
  /** Jobs of this queue run at once per worker process. */
  concurrency: number;
  /** How long a job may run before BullMQ considers it stalled (ms). */
  lockDuration?: number;
  handle(payload: z.infer<S>, ctx: ProcessorContext): Promise<unknown>;
  /**
   * Runs once on the worker that saw a job of this processor fail for good: past its retries,
   * unrecoverable, or failed by BullMQ because it stalled more often than allowed (its worker killed
   * twice; the handler never sees that). For state the handler's own catch cannot settle. `payload`
   * is the job's data parsed with its schema.
   */
  onFinalFailure?(payload: z.infer<S>, reason: string, ctx: ProcessorContext): Promise<unknown>;
  /** Repeatable runs the worker registers at start (BullMQ job schedulers, idempotent by id). */
  schedules?: Schedule<z.input<S>>[];
};

/**
 * A processor with its payload type erased: what the registry and the runtime hold. The schema stays
 * inside: `run` and `onFinalFailure` take the job's raw data and parse it first, and `schedules`
 * carry payloads already parsed.
 */
export type Processor = {
  readonly job: JobDefinition<z.ZodType>;
  readonly concurrency: number;
  readonly lockDuration?: number;
  readonly schedules: readonly Schedule<unknown>[];
  /** Validates `data` (an invalid payload is an UnrecoverableError) and runs the handler. */
  run(data: unknown, ctx: ProcessorContext): Promise<unknown>;
  onFinalFailure?(data: unknown, reason: string, ctx: ProcessorContext): Promise<unknown>;
};

export function defineProcessor<S extends z.ZodType>(p: ProcessorDefinition<S>): Processor {
  const { onFinalFailure } = p;
  return {
    job: p.job,
    concurrency: p.concurrency,
    lockDuration: p.lockDuration,
    schedules: (p.schedules ?? []).map((s) => ({ ...s, payload: p.job.schema.parse(s.payload) })),
    run: (data, ctx) => p.handle(parsePayload(p.job, data), ctx),
    onFinalFailure: onFinalFailure
      ? (data, reason, ctx) => onFinalFailure(parsePayload(p.job, data), reason, ctx)
      : undefined,
  };
}

export function parsePayload<S extends z.ZodType>(job: JobDefinition<S>, data: unknown): z.infer<S> {
  const parsed = job.schema.safeParse(data);
  if (!parsed.success) throw new UnrecoverableError(`invalid payload: ${parsed.error.message}`);
  return parsed.data;
}
