// What domain services receive instead of importing process-wide singletons: tests build their own.
import type { Cache } from '@tonearm/cache';
import type { Logger } from '@tonearm/observability';
import type { Redis } from 'ioredis';
import type { MediaDeps } from './media/deps';
import type { SearchPort } from './search/port';

export type CoreDeps = {
  cache: Cache;
  redis: Redis;
  log: Logger;
  /** Catalog search (Atlas or the embedded index); hosts that serve search provide it. */
  search?: SearchPort;
  /** Storage, signing and queues for uploads and playback; absent where media is not configured. */
  media?: MediaDeps;
};
