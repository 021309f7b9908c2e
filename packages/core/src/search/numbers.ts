// Numbers in names: digits, English number words and roman numerals read as one word, so "Close II
// You", "Close 2 You" and "close two you" meet (normalize.ts folds names with them; rank.ts compares
// words with numberKey; the Atlas adapter queries numberSpellings).
const NUMBER_WORDS = new Map(
  'zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty'
    .split(' ')
    .map((w, i) => [w, i] as const),
);
const TENS = new Map([
  ['twenty', 20],
  ['thirty', 30],
  ['forty', 40],
  ['fifty', 50],
  ['sixty', 60],
  ['seventy', 70],
  ['eighty', 80],
  ['ninety', 90],
]);
const ROMAN: Record<string, number> = { i: 1, v: 5, x: 10 };

/**
 * The number a word spells, as digits: "2", "two" and "ii" are all "2" ("Close II You" = "Close 2
 * You", "United States Three" = "United States 3"). Roman numerals from II to XXXIX only: "I", "V"
 * and "X" alone are letters more often than numbers (Malcolm X, "I Want You").
 */
export function numberKey(w: string): string | null {
  if (/^\d+$/.test(w)) return String(Number(w));
  const n = NUMBER_WORDS.get(w) ?? TENS.get(w);
  if (n !== undefined) return String(n);
  if (w.length >= 2 && /^x{0,3}(ix|iv|v?i{0,3})$/.test(w)) {
    let v = 0;
    for (let i = 0; i < w.length; i++) {
      const c = ROMAN[w[i]!]!;
      const next = ROMAN[w[i + 1] ?? ''] ?? 0;
      v += c < next ? -c : c;
    }
    return String(v);
  }
  return null;
}

/**
 * The other spellings of a number word: digits, English word, roman numeral ("2" → "two", "ii").
 * The Atlas adapter queries them (its analyzers do not fold numbers). Empty for any other word.
 */
export function numberSpellings(w: string): string[] {
  const k = numberKey(w);
  if (k === null) return [];
  const n = Number(k);
  const word = [...NUMBER_WORDS, ...TENS].find(([, v]) => v === n)?.[0];
  let roman = '';
  if (n >= 2 && n <= 39) {
    roman = 'x'.repeat(Math.floor(n / 10));
    const u = n % 10;
    roman += u === 9 ? 'ix' : u === 4 ? 'iv' : (u >= 5 ? 'v' : '') + 'i'.repeat(u % 5);
  }
  return [k, word, roman].filter((x): x is string => !!x && x !== w);
}

/** Parts with numbers as digits, "twenty one" / "twenty-one" read as 21. */
export function numericParts(parts: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    const tens = TENS.get(p);
    const unit = NUMBER_WORDS.get(parts[i + 1] ?? '');
    if (tens !== undefined && unit !== undefined && unit >= 1 && unit <= 9) {
      out.push(String(tens + unit));
      i++;
    } else out.push(numberKey(p) ?? p);
  }
  return out;
}
