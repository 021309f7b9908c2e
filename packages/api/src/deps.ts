// Process-wide dependencies for a host that embeds the router (the Next.js route handler and RSC
// caller): one MongoDB connection, one Redis client, one cache, built on first use and reused.
import { Cache, createRedis, whenReady } from '@tonearm/cache';
import { env } from '@tonearm/config';
import { connectDb } from '@tonearm/db';
import { logger } from '@tonearm/observability';
import type { ApiDeps } from './context';

let building: Promise<ApiDeps> | undefined;

/** The shared deps of this process; a failed attempt is forgotten so the next request retries. */
export function getApiDeps(service = 'tonearm-web'): Promise<ApiDeps> {
  building ??= (async () => {
    const cfg = env();
    const log = logger(service);
    await connectDb(cfg.MONGODB_URI);
    const redis = createRedis(cfg.REDIS_URL);
    redis.on('error', (e) => log.warn({ err: e }, 'redis error'));
    await whenReady(redis);
    return { log, redis, cache: new Cache(redis, { defaultTtlSeconds: cfg.CACHE_TTL_SECONDS }) };
  })().catch((e: unknown) => {
    building = undefined;
    throw e;
  });
  return building;
}

/** Hands the host ready-made deps (tests give each file its own database and Redis prefix). */
export function provideApiDeps(deps: ApiDeps): void {
  building = Promise.resolve(deps);
}
