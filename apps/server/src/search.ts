// The search adapter of this server process: Atlas Search when SEARCH_ENGINE=atlas, otherwise an
// embedded index of its own, loaded in the background and kept in sync from the search outbox
// (packages/core/src/search/sync.ts). /readyz reports not ready until the index has caught up.
import { AtlasSearch, EmbeddedSearchIndex, type SearchPort, SearchSync } from '@tonearm/core';
import type { Logger } from '@tonearm/observability';

export function createSearch(
  engine: 'embedded' | 'atlas',
  log: Logger,
): { port: SearchPort; ready(): Promise<void>; stop(): Promise<void> } {
  if (engine === 'atlas') return { port: new AtlasSearch(), ready: async () => {}, stop: async () => {} };
  const index = new EmbeddedSearchIndex();
  const sync = new SearchSync(index, { log });
  // Serving starts at once; /readyz stays 503 until the load and the outbox catch-up are done.
  void sync.start().catch((err: unknown) => log.error({ err }, 'search index failed to load'));
  return { port: index, ready: () => sync.ready(), stop: () => sync.stop() };
}
