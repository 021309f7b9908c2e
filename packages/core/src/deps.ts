// What domain services receive instead of importing process-wide singletons: tests build their own.
import type { Cache, RedisClient as Redis } from '@tonearm/cache';
import type { Logger } from '@tonearm/observability';
import type { Queues } from '@tonearm/queue';
import type { PresenceStore } from '@tonearm/realtime';
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
  /** Presence in Redis; defaults to a store on `redis` with default options. */
  presence?: PresenceStore;
  /** BullMQ producers; absent in hosts that never enqueue (enqueuing then fails as SERVICE_UNAVAILABLE). */
  queues?: Queues;
};
