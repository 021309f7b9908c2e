// Builds MediaDeps from the environment for servers, workers and scripts.

import type { RedisClient as Redis } from '@tonearm/cache';
import { Cache } from '@tonearm/cache';
import { env } from '@tonearm/config';
import { MediaSigner, S3Storage, signerConfigFromEnv } from '@tonearm/media';
import type { Queues } from '@tonearm/queue';
import { CacheNs, CacheTag } from '../cache-keys';
import type { MediaDeps } from './deps';
import { createTranscodeNotifier } from './notify';

export function createMediaDepsFromEnv(opts: {
  queues: Queues;
  /** An unprefixed Redis connection for the socket.io emitter (omit to push nothing). */
  notifyRedis?: Redis;
  /** Media base URL when MEDIA_BASE_URL is unset (the server's own dev edge). */
  fallbackBaseUrl?: string;
}): MediaDeps {
  const cfg = env();
  return {
    storage: new S3Storage(),
    signer: cfg.CLOUDFRONT_PRIVATE_KEY_FILE
      ? new MediaSigner(signerConfigFromEnv(opts.fallbackBaseUrl))
      : null,
    queues: opts.queues,
    limits: { maxUploadBytes: cfg.MEDIA_MAX_UPLOAD_BYTES, maxDurationSec: cfg.MEDIA_MAX_DURATION_SEC },
    notify: opts.notifyRedis ? createTranscodeNotifier(opts.notifyRedis) : undefined,
    invalidateSong: opts.notifyRedis ? songInvalidator(new Cache(opts.notifyRedis)) : undefined,
  };
}

/** The worker writes songs outside the API: it must drop the same cache entries a catalog write does. */
function songInvalidator(cache: Cache) {
  return async (songId: string) => {
    await cache.invalidate(CacheNs.song, songId);
    await cache.invalidateTags(CacheTag.songs);
  };
}
