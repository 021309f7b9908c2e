// BullMQ connections. Workers need maxRetriesPerRequest: null (blocking commands must not be cut off);
// producers on the request path fail fast instead of queueing commands while Redis is away.
import { env, rawEnv } from '@tonearm/config';
import { type JobsOptions, Queue, type QueueOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { z } from 'zod';
import type { JobDefinition } from './jobs';

/**
 * Prefix of every BullMQ key. TONEARM_QUEUE_PREFIX separates deployments (or test files) sharing one
 * Redis: workers only take jobs under their own prefix.
 */
export const QUEUE_PREFIX = rawEnv('TONEARM_QUEUE_PREFIX') ?? 'bull';

export function workerConnection(url = env().REDIS_URL): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: false });
}

export function producerConnection(url = env().REDIS_URL): Redis {
  return new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 });
}

/** Memoised queues per connection, so producers share one Queue object per name. */
export class Queues {
  private readonly queues = new Map<string, Queue>();
  constructor(
    readonly connection: Redis,
    private readonly opts: Omit<QueueOptions, 'connection'> = {},
    /**
     * Errors of the Queue objects. They repeat the connection's own errors (log those with
     * `connection.on('error')`); without a listener BullMQ console.errors every failed reconnect,
     * unstructured, for as long as Redis is away (found by `pnpm drill redis`).
     */
    private readonly onError: (e: Error) => void = () => {},
  ) {}

  get(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection, prefix: QUEUE_PREFIX, ...this.opts });
      q.on('error', this.onError);
      this.queues.set(name, q);
    }
    return q;
  }

  /**
   * Validates the payload and enqueues it. A jobId makes the enqueue idempotent: BullMQ keeps one
   * job per id, so a retried request does not run the work twice.
   */
  async enqueue<S extends z.ZodType>(
    job: JobDefinition<S>,
    payload: z.input<S>,
    opts: Pick<JobsOptions, 'jobId' | 'delay' | 'attempts' | 'backoff' | 'priority'> = {},
  ) {
    const data = job.schema.parse(payload);
    return this.get(job.queue).add(job.name, data, { ...job.defaults, ...opts });
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
