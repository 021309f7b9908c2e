// Builds the process-wide dependencies of a server: MongoDB, Redis, cache, logger.
import type { ApiDeps } from '@tonearm/api';
import { Cache, createRedis, whenReady } from '@tonearm/cache';
import { env } from '@tonearm/config';
import { connectDb, disconnectDb } from '@tonearm/db';
import { logger } from '@tonearm/observability';
import { PresenceStore } from '@tonearm/realtime';

export type ServerDeps = ApiDeps & { presence: PresenceStore; close(): Promise<void> };

export async function createServerDeps(): Promise<ServerDeps> {
  const cfg = env();
  const log = logger('tonearm-server');
  await connectDb(cfg.MONGODB_URI);
  const redis = createRedis(cfg.REDIS_URL);
  redis.on('error', (e) => log.warn({ err: e }, 'redis error'));
  await whenReady(redis);
  const cache = new Cache(redis, { defaultTtlSeconds: cfg.CACHE_TTL_SECONDS });
  const presence = new PresenceStore(redis, { ttlMs: cfg.PRESENCE_TTL_MS });
  return {
    log,
    redis,
    cache,
    presence,
    async close() {
      redis.disconnect();
      await disconnectDb();
    },
  };
}
