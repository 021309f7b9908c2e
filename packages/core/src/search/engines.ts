// Full-text engines the embedded index can sit on. The index (embedded.ts) owns normalisation,
// ranking, grouping and highlighting; an engine only finds candidate documents for query terms with
// typo tolerance. MiniSearch won the measured comparison (docs/SEARCH.md, bench/search.bench.ts).
import MiniSearch from 'minisearch';
import { swaps, typoBudget, wholeBudget, withoutStopwords } from './normalize';

/**
 * What an engine indexes: pre-normalised terms per field (normalize.ts indexTerms), and optionally
 * the whole-name forms (normalize.ts wholeForms) of every field, for whole-name typo and prefix
 * matching ("badbony" → "badbunny").
 */
export type EngineDoc = { id: string; name: string[]; artist: string[]; album: string[]; whole?: string[] };
export type EngineHit = { id: string; score: number };

export type TextEngine = {
  readonly name: string;
  add(docs: EngineDoc[]): void;
  remove(id: string): void;
  has(id: string): boolean;
  /** Candidates for the terms (the last one matched as a prefix too), best first. */
  search(terms: string[], limit: number): EngineHit[];
  /** Candidates whose whole name (or artist, or album) is within typos of, or starts with, `compact`. */
  searchWhole?(compact: string, limit: number): EngineHit[];
  readonly size: number;
};

export const FIELD_BOOST = { name: 3, artist: 1.5, album: 1 } as const;

export function miniSearchEngine(): TextEngine {
  const ms = new MiniSearch<EngineDoc>({
    idField: 'id',
    fields: ['name', 'artist', 'album', 'whole'],
    // Documents arrive already tokenised and normalised: fields are term arrays (terms hold no spaces).
    extractField: (doc, field) => {
      const v = (doc as Record<string, string | string[] | undefined>)[field];
      return Array.isArray(v) ? v.join(' ') : (v ?? '');
    },
    tokenize: (text) => (text ? text.split(' ') : []),
    processTerm: (t) => t,
    autoVacuum: { minDirtCount: 1_000, minDirtFactor: 0.05, batchSize: 5_000, batchWait: 10 },
  });
  return {
    name: 'minisearch',
    add(docs) {
      for (const d of docs) {
        if (ms.has(d.id)) ms.discard(d.id);
        ms.add(d);
      }
    },
    remove(id) {
      if (ms.has(id)) ms.discard(id);
    },
    has: (id) => ms.has(id),
    get size() {
      return ms.documentCount;
    },
    search(terms, limit) {
      terms = withoutStopwords(terms);
      if (terms.length === 0) return [];
      const last = terms.at(-1);
      // Every word is typo-expanded within its length's budget, known words too: a song titled
      // "Vicious Rumors" must not make the album "Rumours" unreachable. Adjacent swaps ("beatels")
      // are one typo; Levenshtein counts two, so they are added as exact terms.
      const budget = new Map<string, number>();
      const all: string[] = [];
      for (const t of terms) {
        all.push(t);
        budget.set(t, typoBudget(t));
        if (typoBudget(t) > 0)
          for (const v of swaps(t))
            if (!budget.has(v)) {
              budget.set(v, 0);
              all.push(v);
            }
      }
      const res = ms.search(all.join(' '), {
        fields: ['name', 'artist', 'album'],
        tokenize: () => all,
        processTerm: (t) => t,
        boost: FIELD_BOOST,
        prefix: (t) => t === last && t.length >= 2,
        fuzzy: (t) => budget.get(t) ?? 0,
        maxFuzzy: 2,
        weights: { fuzzy: 0.45, prefix: 0.45 },
        combineWith: 'OR',
      });
      return res.slice(0, limit).map((r) => ({ id: String(r.id), score: r.score }));
    },
    searchWhole(compact, limit) {
      if (!compact) return [];
      const res = ms.search(compact, {
        fields: ['whole'],
        tokenize: () => [compact],
        processTerm: (t) => t,
        prefix: compact.length >= 3,
        fuzzy: () => wholeBudget(compact),
        maxFuzzy: 2,
        weights: { fuzzy: 0.45, prefix: 0.45 },
      });
      return res.slice(0, limit).map((r) => ({ id: String(r.id), score: r.score }));
    },
  };
}
