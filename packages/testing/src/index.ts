// Test helpers over the real services scripts/services.sh starts: each test file gets its own MongoDB
// database and Redis key prefix, so files run in parallel without seeing each other's data.
import { randomBytes } from 'node:crypto';
import type { RedisClient as Redis } from '@tonearm/cache';
import { Cache, createRedis, whenReady } from '@tonearm/cache';
import { env, loadServicesEnv } from '@tonearm/config';
import { connectDb, disconnectDb, mongoose, syncIndexes } from '@tonearm/db';
import { createLogger } from '@tonearm/observability';

export type TestServices = {
  dbName: string;
  mongoUri: string;
  redis: Redis;
  cache: Cache;
  prefix: string;
  log: ReturnType<typeof createLogger>;
  close(): Promise<void>;
};

/** A unique suffix for names in this test run. */
export const uid = (n = 6) => randomBytes(n).toString('hex');

/** Replaces the database name in a MongoDB URI. */
export function withDbName(uri: string, db: string): string {
  const u = new URL(uri);
  u.pathname = `/${db}`;
  return u.toString();
}

export async function startTestServices(): Promise<TestServices> {
  loadServicesEnv();
  const cfg = env();
  const dbName = `t_${uid()}`;
  const mongoUri = withDbName(cfg.MONGODB_URI, dbName);
  await connectDb(mongoUri);
  await syncIndexes();
  const prefix = `t${uid(4)}`;
  const redis = createRedis({ keyPrefix: `${prefix}:`, commandTimeout: 2_000 });
  redis.on('error', () => {});
  await whenReady(redis);
  const log = createLogger('test', process.env.TEST_LOG_LEVEL ?? 'silent');
  const cache = new Cache(redis, { prefix: 'c' });
  return {
    dbName,
    mongoUri,
    redis,
    cache,
    prefix,
    log,
    async close() {
      await mongoose.connection.db?.dropDatabase().catch(() => {});
      await disconnectDb();
      redis.disconnect();
    },
  };
}
export * from './server-process';
export * from './typos';

/**
 * Waits until at least marginMs remain in the current rate-limit window (windows are aligned to the
 * epoch), so a test's burst never straddles two windows and counts stay exact.
 */
export async function awayFromWindowEdge(windowSeconds = 60, marginMs = 5_000): Promise<void> {
  const windowMs = windowSeconds * 1000;
  const left = windowMs - (Date.now() % windowMs);
  if (left < marginMs) await new Promise((r) => setTimeout(r, left + 50));
}

/** The fixed demo catalog, for tests of hosts (apps/web) that may not import @tonearm/db. */
export { seedSkeleton } from '@tonearm/db';

import { SEED_MEDIA } from '@tonearm/db';

/**
 * A rendition list for songs tests mark ready (the Song model refuses ready without media): the
 * shape the pipeline records, for suites that query songs rather than play them.
 */
export const TEST_RENDITIONS = SEED_MEDIA.record.renditions;
/** The media of a song a test marks ready. */
export const readyMedia = (prefix: string) => ({
  status: 'ready' as const,
  hlsPrefix: prefix,
  renditions: TEST_RENDITIONS,
});
export * from './private-redis';
