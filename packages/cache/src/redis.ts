// The one factory of Redis connections: every Tonearm process (server, workers, scripts, tests)
// asks createRedis() and gets a single-node client or, when REDIS_CLUSTER_NODES is set, a Redis
// Cluster client over those seeds. Request-path clients fail fast when Redis is away (no offline
// queue, short timeouts) so callers can fall back; BullMQ's connections (packages/queue) and the
// socket.io adapter's pass their own overrides. Keys that one command or script touches together
// must share a hash tag ({...}) to work on a Cluster: see docs/OPERATIONS.md "Redis Cluster".
import { env } from '@tonearm/config';
import type { Redis, RedisOptions } from 'ioredis';
import { connectRedis, isCluster, type RedisClient, type RedisTarget } from './connect';

export * from './connect';

/** The deployment's Redis as configured (REDIS_URL, REDIS_CLUSTER_NODES). */
export function configuredRedis(): RedisTarget {
  const e = env();
  return { url: e.REDIS_URL, clusterNodes: e.REDIS_CLUSTER_NODES };
}

const REQUEST_PATH: RedisOptions = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  commandTimeout: 500,
  connectTimeout: 2_000,
  retryStrategy: (times) => Math.min(times * 100, 2_000),
  lazyConnect: false,
};

/**
 * The one factory: request-path defaults (fail fast) unless overridden, on the configured
 * deployment unless `target` says otherwise (tests pointing at a dead port).
 */
export function createRedis(
  overrides: RedisOptions = {},
  target: RedisTarget = configuredRedis(),
): RedisClient {
  return connectRedis(target, { ...REQUEST_PATH, ...overrides });
}

/** Resolves once the client is ready (or rejects after timeoutMs). */
export function whenReady(redis: RedisClient, timeoutMs = 5_000): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      cleanup();
      reject(new Error(`Redis not ready after ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(t);
      redis.off('ready', onReady);
    };
    redis.on('ready', onReady);
  });
}

/**
 * Runs `fn` on every master (SCAN, FLUSHDB, SCRIPT LOAD...): commands without a key reach one node
 * of a Cluster only. On a single node, runs it once.
 */
export async function onEveryMaster<T>(redis: RedisClient, fn: (node: Redis) => Promise<T>): Promise<T[]> {
  if (!isCluster(redis)) return [await fn(redis)];
  return Promise.all(redis.nodes('master').map(fn));
}
