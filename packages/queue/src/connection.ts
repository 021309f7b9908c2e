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

/** How long a new Queues waits for its connection's first ready before letting commands fail. */
const FIRST_READY_WAIT_MS = 30_000;

/** How long after a connection error enqueue deadlines apply (see Queues.enqueue). */
export const OUTAGE_WINDOW_MS = 30_000;

/** An enqueue that did not complete within its deadline (it may still land: see Queues.enqueue). */
export class EnqueueTimeoutError extends Error {
  override readonly name = 'TimeoutError';
  constructor(queue: string, ms: number) {
    super(`Enqueue to ${queue} did not complete within ${ms} ms`);
  }
}

/** Memoised queues per connection, so producers share one Queue object per name. */
export class Queues {
  private readonly queues = new Map<string, Queue>();
  /** Queues that completed an add in this process (their connection and scripts are warm). */
  private readonly warm = new Set<string>();
  /** When the connection last reported an error (any node of a Cluster); 0: never. */
  private lastErrorAt = 0;
  /** Settles when the connection is first ready (or after FIRST_READY_WAIT_MS): see ready(). */
  private readonly up: Promise<void>;
  constructor(
    readonly connection: RedisClient,
    private readonly opts: Omit<QueueOptions, 'connection'> = {},
    /**
     * Errors of the Queue objects. They repeat the connection's own errors (log those with
     * `connection.on('error')`); without a listener BullMQ console.errors every failed reconnect,
     * unstructured, for as long as Redis is away (found by `pnpm drill redis`).
     */
    private readonly onError: (e: Error) => void = () => {},
  ) {
    const noted = () => {
      this.lastErrorAt = Date.now();
    };
    connection.on('error', noted);
    // A Cluster reports a lost node's connection errors here ('error' is for the cluster as a
    // whole), and drops a node that went away from its pool with '-node'.
    connection.on('node error', noted);
    connection.on('-node', noted);
    this.up =
      connection.status === 'ready'
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const done = () => {
              clearTimeout(timer);
              connection.off('ready', done);
              resolve();
            };
            const timer = setTimeout(done, FIRST_READY_WAIT_MS);
            timer.unref();
            connection.once('ready', done);
          });
  }

  /**
   * Resolves once the connection has been ready once (or after FIRST_READY_WAIT_MS, when the
   * commands then fail on their own). A producer connection has no offline queue, and BullMQ's first
   * command on a new Queue (INFO) is rejected before the connection is up: on a Redis Cluster that
   * rejection went unhandled and killed the process at start. enqueue() waits for it; callers of
   * get() at start-up (the worker's schedules) await it first. After the first ready it costs nothing:
   * an outage later is the enqueue deadline's business, not this.
   */
  ready(): Promise<void> {
    return this.up;
  }

  /** Whether the connection reported an error within the last OUTAGE_WINDOW_MS. */
  inOutage(now = Date.now()): boolean {
    return this.lastErrorAt > 0 && now - this.lastErrorAt < OUTAGE_WINDOW_MS;
  }

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
   *
   * `deadlineMs` (request paths): a Redis Cluster holds a command for a lost master's slot until the
   * replica is promoted or its redirections run out (seconds), past any commandTimeout; the caller
   * then gets an EnqueueTimeoutError (name TimeoutError: a 503) after deadlineMs instead. The add is
   * not cancelled and may still land, so the caller's retry must be idempotent (a jobId). The
   * deadline applies only during an outage, that is within OUTAGE_WINDOW_MS of an error of the
   * connection (a node lost, a refused reconnect) and on a queue that has completed an add before:
   * a slow enqueue on a healthy but loaded Redis, or a cold first one (BullMQ's init and script
   * loading), waits as before instead of failing (`pnpm drill redis-master` at 150 req/s turned
   * those into 503s before any fault, and a fixed deadline broke cold enqueues in the test suites).
   */
  async enqueue<S extends z.ZodType>(
    job: JobDefinition<S>,
    payload: z.input<S>,
    opts: Pick<JobsOptions, 'jobId' | 'delay' | 'attempts' | 'backoff' | 'priority'> = {},
    { deadlineMs }: { deadlineMs?: number } = {},
  ) {
    const data = job.schema.parse(payload);
    await this.up;
    const add = this.get(job.queue).add(job.name, data, { ...job.defaults, ...opts });
    add.then(
      () => this.warm.add(job.queue),
      () => {},
    );
    if (deadlineMs === undefined || !this.warm.has(job.queue) || !this.inOutage()) return add;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new EnqueueTimeoutError(job.queue, deadlineMs)), deadlineMs);
    });
    return Promise.race([add, deadline]).finally(() => clearTimeout(timer));
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
