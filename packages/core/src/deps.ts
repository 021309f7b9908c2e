// What domain services receive instead of importing process-wide singletons: tests build their own.
import type { Cache } from '@tonearm/cache';
import type { Logger } from '@tonearm/observability';
import type { Redis } from 'ioredis';
import type { MediaDeps } from './media/deps';

export type CoreDeps = {
  cache: Cache;
  redis: Redis;
  log: Logger;
  /** Storage, signing and queues for uploads and playback; absent where media is not configured. */
  media?: MediaDeps;
};
