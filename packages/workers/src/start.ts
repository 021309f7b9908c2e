// Starts one BullMQ Worker for a processor. The entry point (main.ts) runs the registry in production;
// tests and scripts use this to run a processor with their own queue prefix and lock timings.

import type { RedisClient as Redis } from '@tonearm/cache';
import { logger } from '@tonearm/observability';
import { hashTagged, QUEUE_PREFIX } from '@tonearm/queue';
import { Worker } from 'bullmq';
import type { z } from 'zod';
import { type Processor, parsePayload } from './processor';
import { STALLED_INTERVAL_MS } from './runtime';

export function startWorker<S extends z.ZodType>(
  p: Processor<S>,
  opts: { connection: Redis; prefix?: string; lockDuration?: number; stalledInterval?: number },
): Worker {
  const log = logger('tonearm-worker');
  return new Worker(
    p.job.queue,
    async (job) =>
      p.handle(parsePayload(p.job, job.data), {
        job,
        log: log.child({ 'job.id': job.id, 'job.name': job.name }),
      }),
    {
      connection: opts.connection,
      prefix: hashTagged(opts.prefix ?? QUEUE_PREFIX),
      concurrency: p.concurrency,
      lockDuration: opts.lockDuration ?? p.lockDuration ?? 30_000,
      stalledInterval: opts.stalledInterval ?? STALLED_INTERVAL_MS,
    },
  );
}
