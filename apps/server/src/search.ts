// The search adapter of this server process: Atlas Search when SEARCH_ENGINE=atlas, otherwise an
// embedded index of its own, loaded in the background and kept in sync (pub/sub + catch-up poll).
import { AtlasSearch, EmbeddedSearchIndex, type SearchPort, SearchSync } from '@tonearm/core';
import type { Logger } from '@tonearm/observability';
import type { RedisClient as Redis } from '@tonearm/cache';

export function createSearch(
  engine: 'embedded' | 'atlas',
  redis: Redis,
  log: Logger,
): { port: SearchPort; stop(): Promise<void> } {
  if (engine === 'atlas') return { port: new AtlasSearch(), stop: async () => {} };
  const index = new EmbeddedSearchIndex();
  const sync = new SearchSync(index, { redis, log });
  // Serving starts at once; results fill in as the load proceeds (seconds at 100,000 songs).
  void sync.start().catch((err: unknown) => log.error({ err }, 'search index failed to load'));
  return { port: index, stop: () => sync.stop() };
}
