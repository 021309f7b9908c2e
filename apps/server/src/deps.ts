// Builds the process-wide dependencies of a server: MongoDB, Redis, cache, logger.
import type { ApiDeps } from '@tonearm/api';
import { Cache, createRedis, whenReady } from '@tonearm/cache';
import { env } from '@tonearm/config';
import { createMediaDepsFromEnv } from '@tonearm/core';
import { connectDb, disconnectDb } from '@tonearm/db';
import { createSearch } from './search';
import { logger } from '@tonearm/observability';
import { producerConnection, Queues } from '@tonearm/queue';

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
  const queues = new Queues(producerConnection(cfg.REDIS_URL));
  const publicUrl = cfg.PUBLIC_SERVER_URL ?? `http://127.0.0.1:${cfg.SERVER_PORT}`;
  const media = createMediaDepsFromEnv({
    queues,
    notifyRedis: redis,
    fallbackBaseUrl: `${publicUrl}/media/`,
  });
  await media.storage.ensureBucket();
  return {
    log,
    redis,
    cache,
    search: search.port,
    media,
    async close() {
      await search.stop();
      await queues.close();
      queues.connection.disconnect();
      redis.disconnect();
      await disconnectDb();
    },
  };
}
