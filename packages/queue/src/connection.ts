// BullMQ connections. Workers need maxRetriesPerRequest: null (blocking commands must not be cut off);
// producers on the request path fail fast instead of queueing commands while Redis is away.
import { createRedis, type RedisClient } from '@tonearm/cache';
import { rawEnv } from '@tonearm/config';
import { type JobsOptions, Queue, type QueueOptions } from 'bullmq';
import type { z } from 'zod';
import type { JobDefinition } from './jobs';

/**
 * A BullMQ prefix as a hash tag: every key of every queue under it ({bull}:transcode:wait, ...)
 * hashes to one slot, as BullMQ's Lua scripts need on a Redis Cluster. A prefix that already holds
 * a hash tag is kept as it is.
 */
export function hashTagged(prefix: string): string {
  return /\{[^}]+\}/.test(prefix) ? prefix : `{${prefix}}`;
}

/**
 * Prefix of every BullMQ key. TONEARM_QUEUE_PREFIX separates deployments (or test files) sharing one
 * Redis: workers only take jobs under their own prefix. Always hash-tagged (see hashTagged).
 */
export const QUEUE_PREFIX = hashTagged(rawEnv('TONEARM_QUEUE_PREFIX') ?? 'bull');

/** Workers and QueueEvents: blocking commands must never be cut off (maxRetriesPerRequest null). */
export function workerConnection(): RedisClient {
  return createRedis({
    maxRetriesPerRequest: null,
    enableReadyCheck: false,
    enableOfflineQueue: true,
    commandTimeout: undefined,
  });
}

/** Producers on the request path: fail fast instead of queueing commands while Redis is away. */
export function producerConnection(): RedisClient {
  return createRedis({ maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout: undefined });
}

/** Memoised queues per connection, so producers share one Queue object per name. */
export class Queues {
  private readonly queues = new Map<string, Queue>();
  constructor(
    readonly connection: RedisClient,
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
      q = new Queue(name, {
        connection: this.connection,
        ...this.opts,
        prefix: hashTagged(this.opts.prefix ?? QUEUE_PREFIX),
      });
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
