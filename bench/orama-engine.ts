// Orama (@orama/orama) behind the embedded index's TextEngine interface: the candidate MiniSearch was
// measured against (bench/search.bench.ts, docs/SEARCH.md). Bench-only: the product ships MiniSearch.
import { create, insertMultiple, remove, search } from '@orama/orama';
import type { EngineDoc, TextEngine } from '../packages/core/src/search/engines';
import { FIELD_BOOST } from '../packages/core/src/search/engines';
import { withoutStopwords } from '../packages/core/src/search/normalize';

export function oramaEngine(): TextEngine {
  const db = create({
    schema: { name: 'string', artist: 'string', album: 'string' } as const,
    components: {
      tokenizer: {
        language: 'english',
        normalizationCache: new Map(),
        tokenize: (raw: string) => (raw ? raw.split(' ') : []),
      },
    },
  });
  const ids = new Set<string>();
  const flat = (d: EngineDoc) => ({
    id: d.id,
    name: d.name.join(' '),
    artist: d.artist.join(' '),
    album: d.album.join(' '),
  });
  return {
    name: 'orama',
    add(docs) {
      for (const d of docs) if (ids.has(d.id)) remove(db, d.id);
      insertMultiple(db, docs.map(flat), 5_000);
      for (const d of docs) ids.add(d.id);
    },
    remove(id) {
      if (ids.delete(id)) remove(db, id);
    },
    has: (id) => ids.has(id),
    get size() {
      return ids.size;
    },
    search(terms, limit) {
      terms = withoutStopwords(terms);
      if (!terms.length) return [];
      const res = search(db, {
        term: terms.join(' '),
        properties: ['name', 'artist', 'album'],
        tolerance: 2,
        boost: FIELD_BOOST,
        limit,
      });
      if (res instanceof Promise) throw new Error('orama search went async');
      return res.hits.map((h) => ({ id: String(h.id), score: h.score }));
    },
  };
}
