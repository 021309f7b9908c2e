// Builds the process-wide dependencies of a server: MongoDB, Redis, cache, logger, BullMQ producers,
// the rate limiter and an S3 client (for readiness).
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { ApiDeps } from '@tonearm/api';
import { Cache, createRedis, whenReady } from '@tonearm/cache';
import { env } from '@tonearm/config';
import { createMediaDepsFromEnv } from '@tonearm/core';
import { connectDb, disconnectDb } from '@tonearm/db';
import { logger, metrics } from '@tonearm/observability';
import { producerConnection, Queues } from '@tonearm/queue';
import { RateLimiter, resolveScopes } from '@tonearm/ratelimit';
import { PresenceStore } from '@tonearm/realtime';
import { createSearch } from './search';

export type ServerDeps = ApiDeps & {
  presence: PresenceStore;
  /** Resolves when the media bucket answers (readiness). */
  checkS3(): Promise<unknown>;
  /** Resolves once the search index has caught up with the catalog (readiness). */
  checkSearch(): Promise<unknown>;
  close(): Promise<void>;
};

export async function createServerDeps(): Promise<ServerDeps> {
  const cfg = env();
  const log = logger('tonearm-server');
  await connectDb(cfg.MONGODB_URI);
  const redis = createRedis({ commandTimeout: cfg.REDIS_COMMAND_TIMEOUT_MS });
  redis.on('error', (e) => log.warn({ err: e }, 'redis error'));
  await whenReady(redis);
  const cache = new Cache(redis, { defaultTtlSeconds: cfg.CACHE_TTL_SECONDS });
  const search = createSearch(cfg.SEARCH_ENGINE, log);
  const queueConn = producerConnection();
  queueConn.on('error', (e) => log.warn({ err: e }, 'redis (queues) error'));
  const queues = new Queues(queueConn);
  await queues.ready();
  const publicUrl = cfg.PUBLIC_SERVER_URL ?? `http://127.0.0.1:${cfg.SERVER_PORT}`;
  const media = createMediaDepsFromEnv({
    queues,
    notifyRedis: redis,
    fallbackBaseUrl: `${publicUrl}/media/`,
  });
  // Browsers upload straight to S3 with a presigned PUT; in dev the local S3 needs the player's origin.
  // With a custom S3_ENDPOINT (local S3) the dev player's origins are allowed unless S3_CORS_ORIGINS
  // says otherwise; on AWS set S3_CORS_ORIGINS to the player's origin or manage the bucket's CORS.
  const devOrigins = [`http://127.0.0.1:${cfg.WEB_PORT}`, `http://localhost:${cfg.WEB_PORT}`];
  await media.storage.ensureBucket({
    corsOrigins: cfg.S3_CORS_ORIGINS ?? (cfg.S3_ENDPOINT ? devOrigins : undefined),
  });
  const presence = new PresenceStore(redis, { ttlMs: cfg.PRESENCE_TTL_MS });
  const rateLimiter = new RateLimiter(redis, {
    scopes: resolveScopes(cfg.RATE_LIMITS),
    onDecision: (scope, result) => metrics.rateLimitDecisions.inc({ scope, result }),
  });
  const s3 = new S3Client({
    region: cfg.S3_REGION,
    endpoint: cfg.S3_ENDPOINT,
    forcePathStyle: cfg.S3_FORCE_PATH_STYLE,
    maxAttempts: 1,
    credentials:
      cfg.S3_ACCESS_KEY_ID && cfg.S3_SECRET_ACCESS_KEY
        ? { accessKeyId: cfg.S3_ACCESS_KEY_ID, secretAccessKey: cfg.S3_SECRET_ACCESS_KEY }
        : undefined,
  });
  return {
    log,
    redis,
    cache,
    search: search.port,
    media,
    presence,
    queues,
    rateLimiter,
    checkS3: () => s3.send(new HeadBucketCommand({ Bucket: cfg.S3_BUCKET })),
    checkSearch: () => search.ready(),
    async close() {
      await search.stop();
      await queues.close().catch(() => {});
      queueConn.disconnect();
      s3.destroy();
      redis.disconnect();
      await disconnectDb();
    },
  };
}
