// ioredis connections. Request-path clients fail fast when Redis is away (no offline queue, short
// timeouts) so callers can fall back; BullMQ connections are made in the queue package instead.
import { Redis, type RedisOptions } from 'ioredis';
import { env } from '@tonearm/config';

export { Redis };

export function createRedis(url = env().REDIS_URL, overrides: RedisOptions = {}): Redis {
  return new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 500,
    connectTimeout: 2_000,
    retryStrategy: (times) => Math.min(times * 100, 2_000),
    lazyConnect: false,
    ...overrides,
  });
}

/** Resolves once the client is ready (or rejects after timeoutMs). */
export function whenReady(redis: Redis, timeoutMs = 5_000): Promise<void> {
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
