// The typo benchmark's queries: misspellings of real catalog names (swaps, drops, doubled letters,
// phonetic slips, wrong neighbouring keys, lost punctuation and diacritics, split and joined words),
// over songs, artists and albums, deterministic from a seed. Used by the search tests and bench.
import { type Catalog, DISTRACTOR_ARTISTS, FAMOUS_ARTISTS, pick, rng } from '@tonearm/db';

export type TypoKind = 'song' | 'artist' | 'album';
export type TypoOp =
  | 'swap'
  | 'drop'
  | 'double'
  | 'phonetic'
  | 'neighbour'
  | 'punctuation'
  | 'diacritics'
  | 'split'
  | 'join'
  | 'two-typos'
  | 'with-artist';
export type TypoQuery = { q: string; kind: TypoKind; targetId: string; target: string; op: TypoOp };

const PHONETIC: [RegExp, string][] = [
  [/ph/i, 'f'],
  [/f/i, 'ph'],
  [/ck/i, 'k'],
  [/c(?=[aou])/i, 'k'],
  [/k/i, 'c'],
  [/s(?=[aeiou])/i, 'z'],
  [/ee/i, 'ea'],
  [/ea/i, 'ee'],
  [/y/i, 'i'],
  [/i/i, 'y'],
  [/ou/i, 'u'],
  [/qu/i, 'kw'],
  [/x/i, 'ks'],
  [/oo/i, 'u'],
  [/u/i, 'oo'],
  [/er\b/i, 'a'],
  [/ght/i, 't'],
];

const KEYS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
function neighbourKey(c: string, r: () => number): string {
  const lower = c.toLowerCase();
  for (const [row, line] of KEYS.entries()) {
    const i = line.indexOf(lower);
    if (i < 0) continue;
    const options = [line[i - 1], line[i + 1], KEYS[row - 1]?.[i], KEYS[row + 1]?.[i]].filter(
      (x): x is string => !!x,
    );
    return options[Math.floor(r() * options.length)] ?? c;
  }
  return c;
}

/** Indexes of letters (not the first of a word, so the query still looks like the name). */
function letterPositions(s: string): number[] {
  const out: number[] = [];
  for (let i = 1; i < s.length; i++) if (/\p{L}/u.test(s[i]!) && /\p{L}/u.test(s[i - 1]!)) out.push(i);
  return out;
}

function apply(op: TypoOp, s: string, r: () => number): string | null {
  const pos = letterPositions(s);
  const at = () => pos[Math.floor(r() * pos.length)];
  switch (op) {
    case 'swap': {
      const i = pos.filter((p) => p + 1 < s.length && /\p{L}/u.test(s[p + 1]!) && s[p] !== s[p + 1]);
      const p = i[Math.floor(r() * i.length)];
      return p === undefined ? null : s.slice(0, p) + s[p + 1] + s[p] + s.slice(p + 2);
    }
    case 'drop': {
      const p = at();
      return p === undefined ? null : s.slice(0, p) + s.slice(p + 1);
    }
    case 'double': {
      const p = at();
      return p === undefined ? null : s.slice(0, p) + s[p] + s.slice(p);
    }
    case 'neighbour': {
      const p = at();
      if (p === undefined) return null;
      const k = neighbourKey(s[p]!, r);
      return k === s[p] ? null : s.slice(0, p) + k + s.slice(p + 1);
    }
    case 'phonetic': {
      const rules = PHONETIC.filter(([re]) => re.test(s));
      if (!rules.length) return null;
      const [re, to] = rules[Math.floor(r() * rules.length)]!;
      return s.replace(re, to);
    }
    case 'punctuation': {
      if (!/[^\p{L}\p{N}\s]/u.test(s)) return null;
      const variants = [
        s.replace(/[^\p{L}\p{N}\s]/gu, ''),
        s
          .replace(/[^\p{L}\p{N}\s]/gu, ' ')
          .replace(/\s+/g, ' ')
          .trim(),
        s.toLowerCase().replace(/[^\p{L}\p{N}\s]/gu, ''),
      ];
      return variants[Math.floor(r() * variants.length)]!;
    }
    case 'diacritics': {
      const plain = s.normalize('NFKD').replace(/\p{M}+/gu, '');
      return plain === s ? null : r() < 0.5 ? plain : plain.toLowerCase();
    }
    case 'split': {
      const longWords = [...s.matchAll(/\p{L}{6,}/gu)];
      const w = longWords[Math.floor(r() * longWords.length)];
      if (!w) return null;
      const cut = w.index + 2 + Math.floor(r() * (w[0].length - 3));
      return `${s.slice(0, cut)} ${s.slice(cut)}`;
    }
    case 'join': {
      const spaces = [...s.matchAll(/ /g)];
      const sp = spaces[Math.floor(r() * spaces.length)];
      return sp ? s.slice(0, sp.index) + s.slice(sp.index + 1) : null;
    }
    case 'two-typos': {
      const a = apply(pick(r, ['swap', 'drop', 'double', 'neighbour'] as const), s, r);
      return a ? apply(pick(r, ['swap', 'drop', 'double', 'neighbour'] as const), a, r) : null;
    }
    default:
      return null;
  }
}

const OPS: TypoOp[] = [
  'swap',
  'drop',
  'double',
  'phonetic',
  'neighbour',
  'punctuation',
  'diacritics',
  'split',
  'join',
  'two-typos',
  'with-artist',
];

/**
 * `count` misspelled queries over the catalog. Half the targets are the curated well-known names
 * (with near-collision twins in the catalog), half generated ones; punctuation and diacritics
 * operations are tried on every name that has them.
 */
export function typoQueries(catalog: Catalog, count = 400, seed = 11): TypoQuery[] {
  const r = rng(seed);
  type Target = { kind: TypoKind; id: string; name: string; artist?: string };
  const targets: Target[] = [
    ...catalog.artists.map((a) => ({ kind: 'artist' as const, id: String(a._id), name: a.name })),
    ...catalog.albums.map((a) => ({
      kind: 'album' as const,
      id: String(a._id),
      name: a.title,
      artist: a.artistName,
    })),
    ...catalog.songs.map((s) => ({
      kind: 'song' as const,
      id: String(s._id),
      name: s.title,
      artist: s.artistName,
    })),
  ];
  // Distractors are never targets: a typo of "Bad Bonny" that reads as "Bad Bunny" is not a miss.
  const famous = new Set(FAMOUS_ARTISTS);
  const distractors = new Set(DISTRACTOR_ARTISTS);
  const artistOf = (t: Target) => (t.kind === 'artist' ? t.name : (t.artist ?? ''));
  const curated = targets.filter((t) => famous.has(artistOf(t)));
  const generated = targets.filter((t) => !famous.has(artistOf(t)) && !distractors.has(artistOf(t)));
  const special = curated.filter((t) => /[^\p{L}\p{N}\s]|[^\p{ASCII}]/u.test(t.name));

  const out: TypoQuery[] = [];
  const seen = new Set<string>();
  const push = (t: Target, op: TypoOp, q: string | null) => {
    if (!q || q === t.name || q.trim().length < 2) return;
    const k = `${t.kind}|${q}`;
    if (seen.has(k)) return;
    seen.add(k);
    out.push({ q, kind: t.kind, targetId: t.id, target: t.name, op });
  };
  for (const t of special) {
    push(t, 'punctuation', apply('punctuation', t.name, r));
    push(t, 'diacritics', apply('diacritics', t.name, r));
  }
  let guard = 0;
  while (out.length < count && guard++ < count * 50) {
    const t = r() < 0.5 ? pick(r, curated) : pick(r, generated);
    const op = pick(r, OPS);
    if (op === 'with-artist') {
      if (t.kind !== 'song' || !t.artist) continue;
      const typo = apply(pick(r, ['swap', 'drop', 'double', 'neighbour'] as const), t.name, r);
      push(t, op, typo ? `${typo} ${t.artist}` : null);
      continue;
    }
    push(t, op, apply(op, t.name, r));
  }
  return out.slice(0, Math.max(count, out.length));
}

export type RecallReport = {
  n: number;
  recallAt1: number;
  recallAt5: number;
  byOp: Record<string, { n: number; at1: number; at5: number }>;
  misses: TypoQuery[];
};

/**
 * Scores ranked results per query: a hit is the target itself, or an entity of the same kind with
 * exactly the target's name (generated catalogs repeat song titles such as "Blue Heart").
 */
export function recall(
  queries: TypoQuery[],
  resultsOf: (q: TypoQuery) => { id: string; name: string }[],
): RecallReport {
  let at1 = 0;
  let at5 = 0;
  const byOp: RecallReport['byOp'] = {};
  const misses: TypoQuery[] = [];
  for (const q of queries) {
    const res = resultsOf(q);
    const rank = res.findIndex((x) => x.id === q.targetId || x.name === q.target);
    const o = byOp[q.op] ?? { n: 0, at1: 0, at5: 0 };
    byOp[q.op] = o;
    o.n++;
    if (rank === 0) {
      at1++;
      o.at1++;
    }
    if (rank >= 0 && rank < 5) {
      at5++;
      o.at5++;
    } else misses.push(q);
  }
  for (const o of Object.values(byOp)) {
    o.at1 /= o.n;
    o.at5 /= o.n;
  }
  return {
    n: queries.length,
    recallAt1: at1 / queries.length,
    recallAt5: at5 / queries.length,
    byOp,
    misses,
  };
}
