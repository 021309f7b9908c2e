// Reading the evaluation files (`pnpm eval search|recs <file>`): plain TSV, optionally gzipped, with
// clear errors for anything else. Lines starting with "#" and blank lines are skipped.
import { readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** Larger inputs are refused (the evaluation holds everything in memory). */
export const MAX_EVAL_BYTES = 64 * 1024 * 1024;
const MAX_FIELD = 500;

export class EvalFileError extends Error {}

export function readTsv(path: string, columns: number): { line: number; cols: string[] }[] {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
  } catch {
    throw new EvalFileError(`${path}: no such file`);
  }
  if (!st.isFile()) throw new EvalFileError(`${path}: not a regular file`);
  if (st.size > MAX_EVAL_BYTES) throw new EvalFileError(`${path}: larger than ${MAX_EVAL_BYTES} bytes`);
  let buf = readFileSync(path);
  if (buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = gunzipSync(buf, { maxOutputLength: MAX_EVAL_BYTES });
    } catch (e) {
      throw new EvalFileError(
        `${path}: not a valid gzip file or too large once unpacked (${(e as Error).message})`,
      );
    }
  }
  const text = new TextDecoder('utf-8', { fatal: false }).decode(buf);
  if (text.includes('\u0000')) throw new EvalFileError(`${path}: binary data (NUL byte), expected text`);
  const out: { line: number; cols: string[] }[] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    if (!raw.trim() || raw.startsWith('#')) continue;
    const cols = raw.split('\t');
    if (cols.length < columns)
      throw new EvalFileError(
        `${path}:${i + 1}: expected ${columns} tab-separated columns, found ${cols.length}`,
      );
    for (const c of cols)
      if (c.length > MAX_FIELD)
        throw new EvalFileError(`${path}:${i + 1}: a field longer than ${MAX_FIELD} characters`);
    out.push({ line: i + 1, cols: cols.map((c) => c.trim()) });
  }
  if (out.length === 0) throw new EvalFileError(`${path}: no data lines`);
  return out;
}

export type SearchCase = { q: string; expected: string; kind: 'song' | 'artist' | 'album' };

/** `query<TAB>expected<TAB>kind` (kind: song, artist or album). */
export function readSearchCases(path: string): SearchCase[] {
  return readTsv(path, 3).map(({ line, cols }) => {
    const [q, expected, kind] = cols as [string, string, string];
    if (!q || !expected) throw new EvalFileError(`${path}:${line}: empty query or expected name`);
    if (kind !== 'song' && kind !== 'artist' && kind !== 'album')
      throw new EvalFileError(
        `${path}:${line}: kind must be song, artist or album, not "${kind.slice(0, 20)}"`,
      );
    return { q, expected, kind };
  });
}

export type PlayRow = { user: string; item: string; count: number };

/** `user<TAB>item<TAB>count` (count: a positive integer, the plays of that item by that user). */
export function readPlayRows(path: string): PlayRow[] {
  return readTsv(path, 3).map(({ line, cols }) => {
    const [user, item, c] = cols as [string, string, string];
    if (!user || !item) throw new EvalFileError(`${path}:${line}: empty user or item`);
    if (!/^\d{1,9}$/.test(c) || Number(c) < 1)
      throw new EvalFileError(`${path}:${line}: count must be a positive integer, not "${c.slice(0, 20)}"`);
    return { user, item, count: Number(c) };
  });
}

/** `name<TAB>plays` catalog of real names (distractors for the search evaluation). */
export function readNames(path: string): { name: string; plays: number }[] {
  return readTsv(path, 2).map(({ line, cols }) => {
    const [name, p] = cols as [string, string];
    if (!/^\d{1,12}$/.test(p))
      throw new EvalFileError(`${path}:${line}: plays must be a non-negative integer`);
    return { name, plays: Number(p) };
  });
}
