// The worker's composition root: the process-wide dependencies every processor receives in its
// context (`ctx.deps`), built once by the entry point (main.ts) as apps/server/src/deps.ts does for
// the server. Tests and scripts pass what they built themselves; the rest is built from the
// environment, and close() closes only what was built here.
import { Cache, createRedis, type RedisClient as Redis } from '@tonearm/cache';
import { env } from '@tonearm/config';
import { createMediaDepsFromEnv, type MediaDeps } from '@tonearm/core';
import { type Logger, logger } from '@tonearm/observability';
import { producerConnection, Queues } from '@tonearm/queue';
import nodemailer, { type Transporter } from 'nodemailer';

export type WorkerDeps = {
  log: Logger;
  /** Request-style Redis client (offline queue on): idempotency marks, the cache, socket.io emits. */
  redis: Redis;
  cache: Cache;
  /** BullMQ producers (the follow-up jobs processors enqueue, the dead-letter queue). */
  queues: Queues;
  /** S3 storage, queues and the transcode notifier for the media processors. */
  media: MediaDeps;
  /** SMTP transport; absent when SMTP_URL is unset (mail jobs then fail and retry). */
  mailer?: Transporter;
};

export type OwnedWorkerDeps = WorkerDeps & { close(): Promise<void> };

export async function createWorkerDeps(given: Partial<WorkerDeps> = {}): Promise<OwnedWorkerDeps> {
  const cfg = env();
  const built: { close(): unknown }[] = [];
  const own = <T extends object>(value: T, close: (v: T) => unknown): T => {
    built.push({ close: () => close(value) });
    return value;
  };
  const log = given.log ?? logger('tonearm-worker');
  const redis =
    given.redis ??
    own(createRedis({ enableOfflineQueue: true, commandTimeout: 5_000 }), (r) => r.disconnect());
  if (!given.redis) redis.on('error', (err) => log.warn({ err }, 'redis error'));
  const queues =
    given.queues ??
    given.media?.queues ??
    own(new Queues(producerConnection()), async (q) => {
      await q.close().catch(() => {});
      q.connection.disconnect();
    });
  if (!given.queues && !given.media)
    queues.connection.on('error', (err) => log.warn({ err }, 'redis (queues) error'));
  // main.ts upserts the schedules through queues.get() right after this (Queues.ready says why).
  await queues.ready();
  let media = given.media;
  if (!media) {
    media = createMediaDepsFromEnv({
      queues,
      notifyRedis: redis,
      fallbackBaseUrl: `http://127.0.0.1:${cfg.SERVER_PORT}/media/`,
    });
    own(media.storage, (s) => s.client.destroy());
    await media.storage.ensureBucket();
  }
  const mailer =
    given.mailer ??
    (cfg.SMTP_URL ? own(nodemailer.createTransport(cfg.SMTP_URL), (m) => m.close()) : undefined);
  return {
    log,
    redis,
    cache: given.cache ?? new Cache(redis, { defaultTtlSeconds: cfg.CACHE_TTL_SECONDS }),
    queues,
    media,
    mailer,
    async close() {
      for (const b of built.reverse()) await b.close();
    },
  };
}
