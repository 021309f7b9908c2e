// Why one file: the ranking key is one lexicographic comparison (rules 1-5 below); split, its parts would be read apart.
// The ranking rules, shared by both adapters (the embedded index ranks its candidates with them; the
// Atlas adapter re-ranks the rows its compound query returns), so a query orders the same way on
// either engine. Rules, in order (docs/SEARCH.md "Ranking"):
//  1. more of the typed words matched (every word of a one- or two-word query, half of a longer
//     one, or the relevance floor says nothing matched);
//  2. exact before inexact: a typo or an unfinished (prefix) word costs the same, so a prefix of a
//     longer word never ranks above a one-letter typo ("Eminen": Eminem before Eminence);
//  3. how much of the name the query is: the whole name (up to case, accents, punctuation, spacing
//     and a leading article: "Beatles" = "The Beatles", "r.e.m" = "R.E.M." = "rem") before every
//     word of the name, before words inside a longer name ("The Beatles with Billy Preston"), before
//     matches only in another field (a song's artist or album);
//  4. more words typed exactly ("Pere Ube": Pere Ubu, whose "Pere" is exact, before Perfume);
//  5. popularity and field (artist over song title over album), then fewer typos.
import {
  compact,
  numberKey,
  numericCompact,
  readParts,
  readWords,
  STOPWORDS,
  typoBudget,
  typoDistance,
  wholeBudget,
  wholeForms,
} from './normalize';
import type { SearchKind } from './port';

export type RankQuery = {
  /** Words that must match (content words of two or more characters, and the word being typed). */
  required: string[];
  /** Stopwords and single letters: they add to a match, they are not needed. */
  optional: string[];
  /** The word being typed (matched as a prefix too). */
  last: string | undefined;
  compact: string;
  /** `compact` with numbers as digits ("close two you" → "close2you"). */
  compactNum: string;
  /** The parts of each punctuated required word ("holly/cricketts" → holly, cricketts). */
  parts: Record<string, string[]>;
};

export function rankQuery(q: string): RankQuery {
  const ws = readWords(q);
  const last = ws.at(-1);
  // The word being typed counts even at one letter ("highway to h"): it is matched as a prefix.
  let required = ws.filter((w, i) => (w.length >= 2 || i === ws.length - 1) && !STOPWORDS.has(w));
  if (required.length === 0) required = ws.filter((w) => w.length >= 2);
  if (required.length === 0) required = ws.length ? [ws.join('')] : [];
  const req = new Set(required);
  const parts: Record<string, string[]> = {};
  for (const p of readParts(q)) {
    const ps = p.filter((x) => x.length >= 2);
    if (ps.length > 1 && req.has(p.join(''))) parts[p.join('')] = ps;
  }
  return {
    required: [...req],
    optional: ws.filter((w) => !req.has(w)),
    last,
    compact: compact(q),
    compactNum: numericCompact(q),
    parts,
  };
}

/** A candidate's fields, primary (artist name, song or album title) first. */
export type RankFields = {
  words: string[][];
  wholes: string[][];
  /** Each field's words and, for punctuated ones, their parts too ("Capone-N-Noreaga": capone…). */
  terms: string[][];
};

export function rankFields(fields: (string | null | undefined)[]): RankFields {
  const words = fields.map((f) => (f ? readWords(f) : []));
  return {
    words,
    wholes: fields.map((f) => (f ? wholeForms(f) : [])),
    terms: fields.map((f, i) => {
      if (!f) return [];
      const extra = readParts(f).flatMap((p) => (p.length > 1 ? p.filter((x) => x.length >= 2) : []));
      return extra.length ? [...words[i]!, ...extra] : words[i]!;
    }),
  };
}

export type RankMatch = {
  /** Comparable across kinds within one query; higher is better. */
  score: number;
  /** Fields that matched as a whole name (highlighted whole). */
  wholeFields: boolean[];
};

/**
 * The floor of the closest matches, used only when nothing clears the relevance floor: one typed word
 * (within its typo budget) is enough. Ranked by the same key, so a name the query contains ("The
 * Chipmunks" for "Alvin & the Chipmunks") comes before names sharing one word with it.
 */
export const CLOSEST_FLOOR = 1;

const KIND_BONUS: Record<SearchKind, number> = { artist: 2, song: 1, album: 0 };

type Key = {
  matched: number;
  inexact: number;
  exactness: number;
  exactWords: number;
  typos: number;
  prefixes: number;
};

const better = (a: Key, b: Key) =>
  a.matched - b.matched ||
  b.inexact - a.inexact ||
  a.exactness - b.exactness ||
  a.exactWords - b.exactWords ||
  b.typos - a.typos;

/**
 * Scores one candidate, or null below the relevance floor. `pop01` is log-popularity scaled to
 * [0, 1] over the catalog.
 */
export function rankMatch(
  q: RankQuery,
  f: RankFields,
  kind: SearchKind,
  pop01: number,
  minMatched?: number,
): RankMatch | null {
  const n = q.required.length;
  if (n === 0) return null;
  const wholeFields = f.wholes.map(() => false);

  // Word by word.
  let matched = 0;
  let inexact = 0;
  let typos = 0;
  let prefixes = 0;
  let exactWords = 0;
  let allInPrimary = true;
  const missed: string[] = [];
  let outside = false;
  // Words of the name a query word matched (each can stand for one query word only).
  const used = new Set<string>();
  for (const w of q.required) {
    const m = matchRequired(q, w, f.terms);
    if (!m) {
      allInPrimary = false;
      missed.push(w);
      continue;
    }
    if (m.field !== 0) outside = true;
    else used.add(m.word);
    matched++;
    if (m.cost > 0) inexact = 1;
    else exactWords++;
    if (m.prefix) prefixes++;
    else typos += m.cost;
    if (m.field !== 0) allInPrimary = false;
  }
  // The floor: every word of a one- or two-word query; at least half the words of a longer one
  // (a credit with extra words, "Sarah Vaughan & Her Trio", still finds Sarah Vaughan).
  let best: Key | null = null;
  // Whole-name matches, field by field.
  const variants = q.compactNum === q.compact ? [q.compact] : [q.compact, q.compactNum];
  for (const [i, forms] of f.wholes.entries()) {
    let cost = Number.POSITIVE_INFINITY;
    let prefix = false;
    for (const form of forms) {
      for (const v of variants) {
        if (form === v) {
          cost = 0;
          prefix = false;
          break;
        }
        const budget = wholeBudget(v);
        const d = budget ? typoDistance(v, form, budget) : 1;
        if (d <= budget && d < cost) {
          cost = d;
          prefix = false;
        } else if (v.length >= 3 && form.startsWith(v) && 1 < cost) {
          cost = 1;
          prefix = true;
        }
      }
      if (cost === 0) break;
    }
    if (!Number.isFinite(cost)) continue;
    wholeFields[i] = true;
    const k: Key = {
      matched: n,
      inexact: cost > 0 ? 1 : 0,
      exactness: i === 0 ? 3 : 0,
      exactWords,
      typos: prefix ? 0 : cost,
      prefixes: prefix ? 1 : 0,
    };
    if (!best || better(k, best) > 0) best = k;
  }

  // One word of a person's name past its typo budget, the rest matched in the name: a name of as
  // many words with a word of the same initial is the other spelling ("Maire Brennan" → Moya
  // Brennan, "Alicja Janosz" → Ala Janosz); a different initial is someone else ("Taylor Swift" is
  // not Taylor Dayne). Ranked below every match of all the words.
  if (kind === 'artist' && n >= 2 && missed.length === 1 && !outside && !best) {
    const primary = (f.words[0] ?? []).filter((w) => !STOPWORDS.has(w));
    const w = missed[0]!;
    // The word of the other spelling must be one no other query word matched ("Alvin & the
    // Chipmunks" is not Calvin Harris because "alvin" ≈ "calvin" shares the initial of "chipmunks").
    if (
      primary.length === n &&
      primary.some((pw) => pw[0] === w[0] && pw !== w && !q.required.includes(pw) && !used.has(pw))
    )
      best = { matched: n - 1, inexact: 1, exactness: 0, exactWords, typos: typos + 2, prefixes };
  }

  const floor = minMatched ?? (n <= 2 ? n : Math.ceil(n / 2));
  if (matched >= floor) {
    const typed = new Set([...q.required, ...q.optional]);
    for (const w of [...typed]) {
      const k = numberKey(w);
      if (k !== null) typed.add(k);
    }
    const primary = (f.words[0] ?? []).filter((w) => !STOPWORDS.has(w));
    // Every word of the name typed exactly; with every typed word in the name too, the name is
    // what was typed ("complete"); with some typed words elsewhere or nowhere, the name is inside
    // the query (a closest match: "Alvin & the Chipmunks" → The Chipmunks).
    const contained =
      inexact === 0 && !outside && primary.every((w) => typed.has(w) || typed.has(numberKey(w) ?? w));
    const complete = allInPrimary && contained;
    const k: Key = {
      matched,
      inexact,
      exactness: complete
        ? 2
        : allInPrimary && matched === n
          ? 1
          : minMatched !== undefined && matched < n && contained
            ? 1
            : 0,
      exactWords,
      typos,
      prefixes,
    };
    if (!best || better(k, best) > 0) best = k;
  }
  if (!best) return null;

  const optional = q.optional.filter((w) => f.words.some((ws) => ws.includes(w))).length;
  const within = Math.min(
    9.9,
    Math.max(
      0,
      6 * pop01 + KIND_BONUS[kind] - 0.1 * best.typos - 0.2 * best.prefixes + 0.1 * Math.min(optional, 3),
    ),
  );
  const score =
    best.matched * 10_000 +
    (best.inexact ? 0 : 4_000) +
    best.exactness * 1_000 +
    Math.min(best.exactWords, 9) * 100 +
    Math.round(within * 100) / 10;
  return { score, wholeFields };
}

type WordMatch = { cost: number; prefix: boolean; field: number; word: string };

/**
 * A required word: as typed, or, for a punctuated word that does not match whole, every one of its
 * parts ("Buddy Holly/Cricketts": holly and cricketts, as "AC/DC" = "ac dc").
 */
function matchRequired(q: RankQuery, w: string, fields: string[][]): WordMatch | null {
  const m = matchWord(w, w === q.last, fields);
  const parts = q.parts[w];
  if (m || !parts) return m;
  let out: WordMatch | null = null;
  for (const [i, p] of parts.entries()) {
    const pm = matchWord(p, w === q.last && i === parts.length - 1, fields);
    if (!pm) return null;
    out = out
      ? {
          cost: out.cost + pm.cost,
          prefix: out.prefix || pm.prefix,
          field: Math.max(out.field, pm.field),
          word: pm.word,
        }
      : pm;
  }
  return out;
}

function matchWord(q: string, isLast: boolean, fields: string[][]): WordMatch | null {
  const budget = typoBudget(q);
  const qk = numberKey(q);
  let best: WordMatch | null = null;
  for (const [field, ws] of fields.entries()) {
    for (const w of ws) {
      let cost: number;
      let prefix = false;
      if (w === q || (qk !== null && numberKey(w) === qk)) cost = 0;
      else {
        const d = budget ? typoDistance(q, w, budget) : 1;
        if (d <= budget) cost = d;
        else if (isLast && w.startsWith(q)) {
          cost = 1;
          prefix = true;
        } else continue;
      }
      if (!best || cost < best.cost || (cost === best.cost && best.prefix && !prefix)) {
        best = { cost, prefix, field, word: w };
        if (cost === 0 && field === 0) return best;
      }
    }
  }
  return best;
}
