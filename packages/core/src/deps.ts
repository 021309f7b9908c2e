// What domain services receive instead of importing process-wide singletons (tests build their own),
// and the guards services call for the dependencies a host may lack.
import type { Cache, RedisClient as Redis } from '@tonearm/cache';
import type { Logger } from '@tonearm/observability';
import type { Queues } from '@tonearm/queue';
import type { PresenceStore } from '@tonearm/realtime';
import { AppError } from '@tonearm/validators';
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

// Guards for the optional dependencies: a host that lacks one answers SERVICE_UNAVAILABLE.

/** The BullMQ producers, for services that enqueue. */
export function requireQueues(deps: CoreDeps): Queues {
  if (!deps.queues) throw new AppError('SERVICE_UNAVAILABLE', { message: 'Background jobs are unavailable' });
  return deps.queues;
}

/** Storage, signing and queues, for the upload, avatar and playback services. */
export function requireMedia(deps: CoreDeps): MediaDeps {
  if (!deps.media) throw new AppError('SERVICE_UNAVAILABLE', { message: 'Media storage is not configured' });
  return deps.media;
}
