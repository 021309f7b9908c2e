// Full-text engines the embedded index can sit on. The index (embedded.ts) owns normalisation,
// ranking, grouping and highlighting; an engine only finds candidate documents for query terms with
// typo tolerance. MiniSearch won the measured comparison (docs/SEARCH.md, bench/search.bench.ts).
import MiniSearch from 'minisearch';
import { maxEdits, withoutStopwords } from './normalize';

/** What an engine indexes: pre-normalised terms per field (normalize.ts indexTerms). */
export type EngineDoc = { id: string; name: string[]; artist: string[]; album: string[] };
export type EngineHit = { id: string; score: number };

export type TextEngine = {
  readonly name: string;
  add(docs: EngineDoc[]): void;
  remove(id: string): void;
  has(id: string): boolean;
  /** Candidates for the terms (the last one matched as a prefix too), best first. */
  search(terms: string[], limit: number): EngineHit[];
  readonly size: number;
};

export const FIELD_BOOST = { name: 3, artist: 1.5, album: 1 } as const;

export function miniSearchEngine(): TextEngine {
  const ms = new MiniSearch<EngineDoc>({
    idField: 'id',
    fields: ['name', 'artist', 'album'],
    // Documents arrive already tokenised and normalised: fields are term arrays (terms hold no spaces).
    extractField: (doc, field) => {
      const v = (doc as Record<string, string | string[]>)[field];
      return Array.isArray(v) ? v.join(' ') : v;
    },
    tokenize: (text) => (text ? text.split(' ') : []),
    processTerm: (t) => t,
    autoVacuum: { minDirtCount: 1_000, minDirtFactor: 0.05, batchSize: 5_000, batchWait: 10 },
  });
  // Terms present in the index (with how many documents hold them): a query term that exists as
  // typed is matched exactly (and as a prefix if last) and is not expanded by edit distance, which is
  // what makes fuzzy search affordable at 100,000 songs (docs/SEARCH.md).
  const vocab = new Map<string, number>();
  const docTerms = new Map<string, string[]>();
  const count = (terms: string[], by: number) => {
    for (const t of terms) {
      const n = (vocab.get(t) ?? 0) + by;
      if (n > 0) vocab.set(t, n);
      else vocab.delete(t);
    }
  };
  const unindex = (id: string) => {
    if (!ms.has(id)) return;
    ms.discard(id);
    count(docTerms.get(id) ?? [], -1);
    docTerms.delete(id);
  };
  return {
    name: 'minisearch',
    add(docs) {
      for (const d of docs) {
        unindex(d.id);
        ms.add(d);
        const terms = [...new Set([...d.name, ...d.artist, ...d.album])];
        docTerms.set(d.id, terms);
        count(terms, 1);
      }
    },
    remove: unindex,
    has: (id) => ms.has(id),
    get size() {
      return ms.documentCount;
    },
    search(terms, limit) {
      terms = withoutStopwords(terms);
      if (terms.length === 0) return [];
      const last = terms.length - 1;
      const res = ms.search(terms.join(' '), {
        tokenize: () => terms,
        processTerm: (t) => t,
        boost: FIELD_BOOST,
        prefix: (_t, i) => i === last,
        fuzzy: (t) => (vocab.has(t) ? 0 : maxEdits(t)),
        maxFuzzy: 2,
        weights: { fuzzy: 0.45, prefix: 0.6 },
        combineWith: 'OR',
      });
      return res.slice(0, limit).map((r) => ({ id: String(r.id), score: r.score }));
    },
  };
}
