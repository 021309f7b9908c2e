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

/**
 * Producers on the request path: fail fast instead of queueing commands while Redis is away. The
 * timeout bounds an enqueue during a Redis Cluster failover, when the slot's master is gone and
 * ioredis holds the command until the cluster names a new one (`pnpm drill redis-master`).
 */
export function producerConnection(): RedisClient {
  return createRedis({ maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout: 3_000 });
}

/** How long an enqueue may take before the caller gets a TimeoutError (a 503 on the request path). */
export const ENQUEUE_TIMEOUT_MS = 3_000;

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
    const add = this.get(job.queue).add(job.name, data, { ...job.defaults, ...opts });
    // A deadline of our own: during a Redis Cluster failover ioredis holds a command for the lost
    // master's slot until the cluster names a new one, past any commandTimeout. A caller that gives
    // up may see the job added anyway; the jobId keeps that to one job.
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(Object.assign(new Error('enqueue timed out'), { name: 'TimeoutError' })),
        ENQUEUE_TIMEOUT_MS,
      );
    });
    add.catch(() => {}); // a rejection after the deadline has nobody to report to
    return Promise.race([add, deadline]).finally(() => clearTimeout(timer));
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
