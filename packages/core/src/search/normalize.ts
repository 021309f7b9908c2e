// Text normalisation shared by the embedded index, its highlighter and the typo benchmark: fold
// diacritics and case, split on punctuation, and add joined forms so "AC/DC", "ac dc" and "acdc",
// "R.E.M." and "rem", "a-ha" and "aha", "Hells Bells" and "hellsbells" meet on a common term.
import { numberKey, numericParts } from './numbers';

export { numberKey, numberSpellings } from './numbers';

/**
 * Lowercase, strip diacritics (Björk → bjork), map the few letters NFKD leaves alone (ø, ß, æ, þ),
 * read look-alike letters of another script inside a Latin word as the Latin letter ("KoЯn" → korn),
 * and symbols standing for a letter inside a word ("P!nk" → pink, "Ke$ha" → kesha).
 */
export function fold(s: string): string {
  return decodePercent(s)
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[øœæßđłþðıħ]/g, (c) => LETTERS[c] ?? c)
    .replace(/[\p{L}\p{N}!$@]+/gu, lookAlikes)
    .replace(/&/g, ' and ')
    .replace(/\+/g, ' and ');
}

const LETTERS: Record<string, string> = {
  ø: 'o',
  œ: 'oe',
  æ: 'ae',
  ß: 'ss',
  đ: 'd',
  ł: 'l',
  þ: 'th',
  ð: 'd',
  ı: 'i',
  ħ: 'h',
};

/**
 * Cyrillic and Greek letters that look like Latin ones, as stylised names use them ("KoЯn", "MΛDE"):
 * read as Latin only inside a word that also has Latin letters, so Cyrillic and Greek names stay
 * as they are.
 */
const CONFUSABLE: Record<string, string> = Object.fromEntries(
  [
    ...'аa вb гr еe ёe иn йn кk мm нh оo пn рp сc тt уy хx шw ьb яr іi јj ѕs'.split(' '),
    ...'αa βb εe ηn ιi κk λa νv οo ρp σo τt υu χx ωw ξe δd πn'.split(' '),
  ].map((p) => [p[0]!, p.slice(1)]),
);

function lookAlikes(w: string): string {
  if (/\p{Script=Latin}/u.test(w) && /[\p{Script=Cyrillic}\p{Script=Greek}]/u.test(w))
    w = w.replace(/[\p{Script=Cyrillic}\p{Script=Greek}]/gu, (c) => CONFUSABLE[c] ?? c);
  if (!/[!$@]/.test(w)) return w;
  // "!" and "@" between letters, "$" next to a letter (not "$5"): the letter they stand for.
  return w
    .replace(/(?<=\p{L})!(?=\p{L})/gu, 'i')
    .replace(/(?<=\p{L})@(?=\p{L})/gu, 'a')
    .replace(/(?<=\p{L})\$(?!\p{N})|\$(?=\p{L})/gu, 's');
}

/**
 * Text pasted from a URL or a scrobbler log ("Alan%20Parsons", "Queensr%C3%BFche") means its decoded
 * form; anything that does not decode stays as it is.
 */
function decodePercent(s: string): string {
  if (!/%[0-9a-f]{2}/i.test(s)) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s.replace(/%20/gi, ' ');
  }
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
 * Index terms of a name: every part of two or more characters and each punctuated word joined
 * ("r.e.m." → "rem", "AC/DC" → "acdc"). Adjacent words are NOT joined: that gave long multi-word
 * names (collaboration credits) a second rare match and ranked them above the artist they contain.
 * Split and joined typing ("hellsbells", "ac dc") meets the whole-name form (`wholeForms`) instead.
 */
export function indexTerms(s: string): string[] {
  const ws = words(s);
  const out: string[] = [];
  const joined = ws.map((parts) => parts.join(''));
  for (const [i, parts] of ws.entries()) {
    for (const p of parts) {
      if (p.length >= MIN_TERM) out.push(p);
      const k = numberKey(p);
      if (k !== null && k !== p) out.push(k);
    }
    if (parts.length > 1) out.push(joined[i]!);
  }
  if (out.length === 0 && joined.length) out.push(joined.join(''));
  return out;
}

/**
 * Query terms: joined punctuated words ("r.e.m" → "rem") and their parts, then the typed words in
 * order, so the last term is the word being typed (it alone gets prefix matching).
 */
export function queryTerms(q: string): string[] {
  const ws = words(q);
  const joined = ws.map((parts) => parts.join(''));
  const extra: string[] = [];
  const typed: string[] = [];
  for (const [i, parts] of ws.entries()) {
    if (parts.length > 1) extra.push(joined[i]!);
    for (const p of parts) {
      const k = numberKey(p);
      // A number word also looks for its digits ("two" → "2"; "II" in a name is indexed as "2" too).
      if (k !== null && k !== p) extra.push(k);
      if (p.length >= MIN_TERM) typed.push(p);
    }
  }
  // "r e m" / "a ha": several short words read as one.
  if (ws.length > 1 && ws.length <= 4 && joined.every((w) => w.length <= 3)) extra.push(joined.join(''));
  if (typed.length === 0 && joined.length) typed.push(joined.join(''));
  return [...new Set([...extra, ...typed])];
}

/** Each word's alphanumeric parts, folded ("AC/DC live" → [["ac","dc"],["live"]]). */
export function readParts(s: string): string[][] {
  return words(s);
}

/** The words of a name or query as a listener reads them: folded, each punctuated word joined. */
export function readWords(s: string): string[] {
  return words(s).map((parts) => parts.join(''));
}

const ARTICLES = new Set(['the', 'a', 'an', 'los', 'las', 'la', 'le', 'les', 'die', 'el']);

/**
 * Whole-name forms: the compact name, and without a leading article ("The Beatles" → "thebeatles",
 * "beatles"), so "Beatles" is a whole-name match for The Beatles and not for "The Beatles with …".
 */
export function wholeForms(s: string): string[] {
  const ws = words(s);
  const joined = ws.map((parts) => parts.join(''));
  const all = joined.join('');
  if (!all) return [];
  const forms = [all];
  const rest = ws.length > 1 && ARTICLES.has(joined[0]!) ? ws.slice(1) : null;
  if (rest) forms.push(joined.slice(1).join(''));
  // Numbers as digits: "Close II You" is also "close2you", so "Close 2 You" and "close two you" meet it.
  for (const f of [numericParts(ws.flat()).join(''), rest && numericParts(rest.flat()).join('')])
    if (f && !forms.includes(f)) forms.push(f);
  return forms;
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

/** The compact form with every number as digits ("Close II You" → "close2you"). */
export function numericCompact(s: string): string {
  return numericParts(words(s).flat()).join('');
}

/**
 * Typos allowed in one typed word, by its length, as Meilisearch does: none below 5 characters, one
 * from 5, two from 9. Short words must match as typed or they match everything ("bony" ≠ "dont").
 */
export function typoBudget(word: string): number {
  return word.length >= 9 ? 2 : word.length >= 5 ? 1 : 0;
}

/**
 * Typos allowed against a whole name (the query compacted: "badbony"), as Typesense counts: one from
 * 4 characters, two from 7. A whole name is far more specific than one of its words, so "Bad Bony"
 * reaches Bad Bunny while the word "bony" alone reaches nothing.
 */
export function wholeBudget(compactQuery: string): number {
  return compactQuery.length >= 7 ? 2 : compactQuery.length >= 4 ? 1 : 0;
}

/** @deprecated the old per-term budget; kept for callers outside the index. Use typoBudget. */
export function maxEdits(term: string): number {
  return typoBudget(term);
}

/**
 * Optimal-string-alignment distance (Levenshtein plus adjacent transpositions, "beatels" → "beatles"
 * is one typo), with an upper bound: returns bound + 1 as soon as it is exceeded.
 */
export function typoDistance(a: string, b: string, bound: number): number {
  if (Math.abs(a.length - b.length) > bound) return bound + 1;
  if (a === b) return 0;
  const n = b.length;
  let prev2: number[] = [];
  let prev = Array.from({ length: n + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, prev2[j - 2]! + 1);
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > bound) return bound + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[n]!;
}

/** Adjacent-letter swaps of a word: exact-term candidates for a transposition typo. */
export function swaps(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < word.length; i++) {
    if (word[i] === word[i + 1]) continue;
    out.push(word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2));
  }
  return out;
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
 * term, or is within the term's typo budget; every word when the field matched as a whole name
 * ("Bad Bony" → both words of "Bad Bunny").
 */
export function highlight(
  text: string,
  terms: string[],
  lastTerm: string | undefined,
  opts: { whole?: boolean } = {},
): Span[] {
  const spans: Span[] = [];
  const re = /[\p{L}\p{N}]+(?:[./'’-][\p{L}\p{N}]+)*\.?/gu;
  for (const m of text.matchAll(re)) {
    const start = m.index;
    const word = m[0];
    const parts = fold(word).match(/[\p{L}\p{N}]+/gu) ?? [];
    const whole = parts.join('');
    const candidates = [whole, ...parts];
    const hit =
      opts.whole ||
      terms.some((t) =>
        candidates.some(
          (c) =>
            c === t ||
            (t === lastTerm && t.length >= 1 && c.startsWith(t)) ||
            (typoBudget(t) > 0 && typoDistance(c, t, typoBudget(t)) <= typoBudget(t)),
        ),
      );
    if (hit) spans.push([start, start + word.length - (word.endsWith('.') && parts.length < 2 ? 1 : 0)]);
  }
  return spans;
}
