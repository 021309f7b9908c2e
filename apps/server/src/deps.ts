// Builds the process-wide dependencies of a server: MongoDB, Redis, cache, logger.
import type { ApiDeps } from '@tonearm/api';
import { Cache, createRedis, whenReady } from '@tonearm/cache';
import { env } from '@tonearm/config';
import { connectDb, disconnectDb } from '@tonearm/db';
import { createSearch } from './search';
import { logger } from '@tonearm/observability';

export type ServerDeps = ApiDeps & { close(): Promise<void> };

export async function createServerDeps(): Promise<ServerDeps> {
  const cfg = env();
  const log = logger('tonearm-server');
  await connectDb(cfg.MONGODB_URI);
  const redis = createRedis(cfg.REDIS_URL);
  redis.on('error', (e) => log.warn({ err: e }, 'redis error'));
  await whenReady(redis);
  const cache = new Cache(redis, { defaultTtlSeconds: cfg.CACHE_TTL_SECONDS });
  const search = createSearch(cfg.SEARCH_ENGINE, redis, log);
  return {
    log,
    redis,
    cache,
    search: search.port,
    async close() {
      await search.stop();
      redis.disconnect();
      await disconnectDb();
    },
  };
}
