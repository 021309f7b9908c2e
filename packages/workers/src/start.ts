// Starts one BullMQ Worker for a processor. The entry point (main.ts) runs the registry in production;
// tests and scripts use this to run a processor with their own deps, queue prefix and lock timings.

import type { RedisClient as Redis } from '@tonearm/cache';
import { hashTagged, QUEUE_PREFIX } from '@tonearm/queue';
import { Worker } from 'bullmq';
import type { WorkerDeps } from './deps';
import type { Processor } from './processor';
import { STALLED_INTERVAL_MS } from './runtime';

export function startWorker(
  p: Processor,
  opts: {
    connection: Redis;
    deps: WorkerDeps;
    prefix?: string;
    lockDuration?: number;
    stalledInterval?: number;
  },
): Worker {
  const { deps } = opts;
  return new Worker(
    p.job.queue,
    async (job) =>
      p.run(job.data, { job, log: deps.log.child({ 'job.id': job.id, 'job.name': job.name }), deps }),
    {
      connection: opts.connection,
      prefix: hashTagged(opts.prefix ?? QUEUE_PREFIX),
      concurrency: p.concurrency,
      lockDuration: opts.lockDuration ?? p.lockDuration ?? 30_000,
      stalledInterval: opts.stalledInterval ?? STALLED_INTERVAL_MS,
    },
  );
}
