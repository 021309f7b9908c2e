// Text normalisation shared by the embedded index, its highlighter and the typo benchmark: fold
// diacritics and case, split on punctuation, and add joined forms so "AC/DC", "ac dc" and "acdc",
// "R.E.M." and "rem", "a-ha" and "aha", "Hells Bells" and "hellsbells" meet on a common term.

/** Lowercase, strip diacritics (Björk → bjork), map the few letters NFKD leaves alone (ø, ß, æ). */
export function fold(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[øœæßđł]/g, (c) => ({ ø: 'o', œ: 'oe', æ: 'ae', ß: 'ss', đ: 'd', ł: 'l' })[c] ?? c)
    .replace(/&/g, ' and ')
    .replace(/\+/g, ' and ');
}

/** Whitespace-separated words, each split into its alphanumeric parts ("ac/dc" → ["ac","dc"]). */
function words(s: string): string[][] {
  return fold(s)
    .split(/\s+/)
    .map((w) => w.match(/[\p{L}\p{N}]+/gu) ?? [])
    .filter((parts) => parts.length > 0);
}

const MIN_TERM = 2;

/**
 * Index terms of a name: every part of two or more characters, each punctuated word joined
 * ("r.e.m." → "rem"), and each pair of adjacent words joined ("back in" → "backin"), so a query
 * that splits or joins words still meets an exact term.
 */
export function indexTerms(s: string): string[] {
  const ws = words(s);
  const out: string[] = [];
  const joined = ws.map((parts) => parts.join(''));
  for (const [i, parts] of ws.entries()) {
    for (const p of parts) if (p.length >= MIN_TERM) out.push(p);
    if (parts.length > 1) out.push(joined[i]!);
    if (i > 0) out.push(joined[i - 1]! + joined[i]!);
  }
  if (out.length === 0 && joined.length) out.push(joined.join(''));
  return out;
}

/**
 * Query terms: joined forms first, then the typed words in order, so the last term is the word
 * being typed (it alone gets prefix matching for search-as-you-type).
 */
export function queryTerms(q: string): string[] {
  const ws = words(q);
  const joined = ws.map((parts) => parts.join(''));
  const extra: string[] = [];
  const typed: string[] = [];
  for (const [i, parts] of ws.entries()) {
    if (parts.length > 1) extra.push(joined[i]!);
    if (i > 0 && joined[i - 1]!.length + joined[i]!.length <= 24) extra.push(joined[i - 1]! + joined[i]!);
    for (const p of parts) if (p.length >= MIN_TERM) typed.push(p);
  }
  // "r e m" / "a ha": several short words read as one.
  if (ws.length > 1 && ws.length <= 4 && joined.every((w) => w.length <= 3)) extra.push(joined.join(''));
  if (typed.length === 0 && joined.length) typed.push(joined.join(''));
  return [...new Set([...extra, ...typed])];
}

/**
 * Words so common in titles that, beside other words, they only slow the query down (each matches
 * a large share of the catalog). Queried only when the query has nothing else ("The The").
 */
export const STOPWORDS = new Set(
  'the of in on to and a an for with into through under me my you your is it at by de la el en le'.split(' '),
);

export function withoutStopwords(terms: string[]): string[] {
  const kept = terms.filter((t) => !STOPWORDS.has(t));
  return kept.length ? kept : terms;
}

/** Everything alphanumeric, folded and joined: "AC/DC" → "acdc", "Björk" → "bjork". */
export function compact(s: string): string {
  return words(s)
    .map((p) => p.join(''))
    .join('');
}

/** Edit budget per term length: short terms must match closely or they match everything. */
export function maxEdits(term: string): number {
  return term.length <= 2 ? 0 : term.length <= 3 ? 1 : 2;
}

/** Levenshtein distance with an upper bound: returns bound + 1 as soon as it is exceeded. */
export function boundedDistance(a: string, b: string, bound: number): number {
  if (Math.abs(a.length - b.length) > bound) return bound + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > bound) return bound + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

export type Span = [start: number, end: number];

/**
 * Spans of `text` (UTF-16 offsets into the original string) that a query matched: a word, or a
 * punctuated run such as "AC/DC", whose folded form equals a term, starts with the last (typed)
 * term, or is within the term's edit budget.
 */
export function highlight(text: string, terms: string[], lastTerm: string | undefined): Span[] {
  const spans: Span[] = [];
  const re = /[\p{L}\p{N}]+(?:[./'’-][\p{L}\p{N}]+)*\.?/gu;
  for (const m of text.matchAll(re)) {
    const start = m.index;
    const word = m[0];
    const parts = fold(word).match(/[\p{L}\p{N}]+/gu) ?? [];
    const whole = parts.join('');
    const candidates = [whole, ...parts];
    const hit = terms.some((t) =>
      candidates.some(
        (c) =>
          c === t ||
          (t === lastTerm && t.length >= 1 && c.startsWith(t)) ||
          (t.length > 2 && boundedDistance(c, t, maxEdits(t)) <= maxEdits(t)) ||
          (t === lastTerm && t.length > 3 && boundedDistance(c.slice(0, t.length), t, 1) <= 1),
      ),
    );
    if (hit) spans.push([start, start + word.length - (word.endsWith('.') && parts.length < 2 ? 1 : 0)]);
  }
  return spans;
}
