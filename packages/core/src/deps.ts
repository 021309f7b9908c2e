// What domain services receive instead of importing process-wide singletons: tests build their own.
import type { Cache } from '@tonearm/cache';
import type { Logger } from '@tonearm/observability';
import type { PresenceStore } from '@tonearm/realtime';
import type { Redis } from 'ioredis';

export type CoreDeps = {
  cache: Cache;
  redis: Redis;
  log: Logger;
  /** Presence in Redis; defaults to a store on `redis` with default options. */
  presence?: PresenceStore;
};
