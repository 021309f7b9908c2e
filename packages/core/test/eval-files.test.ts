// The offline-evaluation readers (scripts/eval/files.ts) refuse hostile or malformed input with a
// clear error, and the search evaluation scores the shipped index on a small real-name sample.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readNames, readPlayRows, readSearchCases } from '../../../scripts/eval/files';
import { evaluateSearch, halves, sameName } from '../../../scripts/eval/search';

const dir = mkdtempSync(join(tmpdir(), 'tonearm-eval-'));
const file = (name: string, body: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, body);
  return p;
};

describe('evaluation files', () => {
  it('reads plain and gzipped TSV, skipping comments and blank lines', () => {
    expect(readSearchCases(file('a.tsv', '# c\n\nbeatels\tThe Beatles\tartist\n'))).toEqual([
      { q: 'beatels', expected: 'The Beatles', kind: 'artist' },
    ]);
    expect(readPlayRows(file('p.tsv.gz', gzipSync('u1\tSong\t3\r\nu2\tSong\t1\n')))).toHaveLength(2);
  });

  it.each([
    ['missing.tsv', null, /no such file/],
    ['cols.tsv', 'only one column\n', /expected 3 tab-separated columns/],
    ['kind.tsv', 'q\te\tplaylist\n', /kind must be song, artist or album/],
    ['nul.tsv', 'q\u0000\te\tartist\n', /binary data/],
    ['empty.tsv', '# nothing\n', /no data lines/],
    ['long.tsv', `${'x'.repeat(600)}\te\tartist\n`, /longer than 500/],
    ['badgz.tsv', Buffer.from([0x1f, 0x8b, 1, 2, 3]), /not a valid gzip/],
  ])('refuses %s', (name, body, err) => {
    const p = body === null ? join(dir, name) : file(name, body);
    expect(() => readSearchCases(p)).toThrow(err);
  });

  it('refuses play counts that are not positive integers, and a directory', () => {
    expect(() => readPlayRows(file('c.tsv', 'u\ti\t-3\n'))).toThrow(/positive integer/);
    expect(() => readPlayRows(file('d.tsv', 'u\ti\t1e9\n'))).toThrow(/positive integer/);
    expect(() => readPlayRows(dir)).toThrow(/not a regular file/);
    expect(() => readNames(file('n.tsv', 'Name\tlots\n'))).toThrow(/non-negative integer/);
  });
});

describe('search evaluation', () => {
  it('scores recall@1/@5 of the shipped index, counting the same name up to case as right', () => {
    const names = [
      { name: 'The Beatles', plays: 5_000 },
      { name: 'The Beatles with Billy Preston', plays: 900 },
      { name: 'Bob Marley & The Wailers', plays: 10 },
      { name: 'Perfume', plays: 18_000 },
      { name: 'Pere Ubu', plays: 300 },
    ];
    const r = evaluateSearch(
      [
        { q: 'Beatels', expected: 'The Beatles', kind: 'artist' },
        { q: 'Bob Marley And The Wailers', expected: 'Bob Marley & the Wailers', kind: 'artist' },
        { q: 'Pere Ube', expected: 'Pere Ubu', kind: 'artist' },
        { q: 'Joseph Pachabel', expected: 'Johann Pachelbel', kind: 'artist' },
      ],
      names,
    );
    expect(r.n).toBe(4);
    expect(r.recallAt1).toBe(0.75);
    expect(r.recallAt5).toBe(0.75);
    expect(r.misses.map((m) => m.q)).toEqual(['Joseph Pachabel']);
  });

  it('judges with its own fixed notion of the same name, not the engine folding', () => {
    expect(sameName('Bob Marley & The Wailers')).toBe(sameName('bob marley and the wailers'));
    expect(sameName('Björk')).toBe('bjork');
    // Engine folding rules ("KoЯn" = korn, "P!nk" = pink) do not make a different name right.
    expect(sameName('KoЯn')).not.toBe(sameName('Korn'));
    expect(sameName('P!nk')).not.toBe(sameName('Pink'));
    const r = evaluateSearch(
      [{ q: 'korn', expected: 'KoЯn', kind: 'artist' }],
      [{ name: 'Korn', plays: 9_000 }],
    );
    expect(r.catalog).toBe(2);
    expect(r.recallAt1).toBe(0);
    expect(r.recallAt5).toBe(1);
  });

  it('splits cases in two seeded halves: disjoint, complete, the same for the same seed', () => {
    const cases = Array.from({ length: 11 }, (_, i) => i);
    const [a, b] = halves(cases, 22);
    expect(a.length).toBe(6);
    expect([...a, ...b].sort((x, y) => x - y)).toEqual(cases);
    expect(halves(cases, 22)).toEqual([a, b]);
    expect(halves(cases, 23)).not.toEqual([a, b]);
  });

  it('counts closest matches apart from recall', () => {
    const r = evaluateSearch(
      [{ q: 'Alvin & The Chipmunks', expected: 'The Chipmunks', kind: 'artist' }],
      [
        { name: 'The Chipmunks', plays: 100 },
        { name: 'Calvin Harris', plays: 9_000 },
      ],
    );
    expect(r.recallAt1).toBe(0);
    expect(r.closestAt1).toBe(1);
    expect(r.misses[0]).toMatchObject({ fromClosest: true, closest: 0, rank: -1 });
  });
});
