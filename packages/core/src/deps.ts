// What domain services receive instead of importing process-wide singletons: tests build their own.
import type { Cache } from '@tonearm/cache';
import type { Logger } from '@tonearm/observability';
import type { Queues } from '@tonearm/queue';
import type { Redis } from 'ioredis';

export type CoreDeps = {
  cache: Cache;
  redis: Redis;
  log: Logger;
  /** BullMQ producers; absent in hosts that never enqueue (enqueuing then fails as SERVICE_UNAVAILABLE). */
  queues?: Queues;
};
