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

const ZObjectIdString = z.string().regex(/^[0-9a-f]{24}$/);

/** Every job of the system. Helpers working on a feature add theirs here. */
export const Jobs = {
  /** Source upload → HLS ladder in S3 → song ready (issue 4). jobId `transcode:<songId>`. */
  transcode: defineJob(
    'media',
    'transcode',
    z.strictObject({ songId: ZObjectIdString, sourceKey: z.string().min(1).max(512) }),
    // A 2-hour track takes minutes; a stalled job (worker killed) is retried by another worker.
    { attempts: 3, backoff: { type: 'exponential', delay: 2_000 } },
  ),
} as const;
