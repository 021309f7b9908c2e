// The arithmetic shared by the neighbour job, the serving code and the offline evaluation: the
// similarity variants on baskets small enough to count by hand, the blend, and the whole-history
// scoring of "For you".
import { describe, expect, it } from 'vitest';
import {
  Baskets,
  blendCandidates,
  DEFAULT_FOR_YOU,
  DEFAULT_SIM,
  type SimOptions,
  scoreHistory,
  similarityRows,
} from '../src/recs-sim';

// Listeners: u1 {a,b,c}, u2 {a,b}, u3 {a,c,d,e,f}, u4 {b}; n: a 3, b 3, c 2, d 1, e 1, f 1.
const baskets = () => {
  const b = new Baskets();
  for (const [u, songs] of [
    ['u1', 'abc'],
    ['u2', 'ab'],
    ['u3', 'acdef'],
    ['u4', 'b'],
  ] as const)
    for (const s of songs) b.add(u, s);
  return b.freeze();
};
const rowOf = (opts: Partial<SimOptions>, song = 'a') => {
  const b = baskets();
  const [row] = [...similarityRows(b, [b.indexOf(song)!], { ...DEFAULT_SIM, ...opts })];
  return new Map(row!.neighbors.map((n) => [n.song, n.score]));
};

describe('similarityRows', () => {
  it('binary cosine: co-listeners / √(n_a·n_b), never the song itself', () => {
    const row = rowOf({ alpha: 0.5, beta: undefined, userWeight: 'binary', minCoListeners: 1, shrink: 0 });
    expect(row.has('a')).toBe(false);
    expect(row.get('b')).toBeCloseTo(2 / Math.sqrt(3 * 3));
    expect(row.get('c')).toBeCloseTo(2 / Math.sqrt(3 * 2));
    expect(row.get('d')).toBeCloseTo(1 / Math.sqrt(3 * 1));
  });

  it('RP3β: the walk a → listener → b (1/n_a · Σ 1/|basket|) divided by n_b^β', () => {
    const row = rowOf({ alpha: 1, beta: 0.5, userWeight: 'inverse', minCoListeners: 1, shrink: 0 });
    expect(row.get('b')).toBeCloseTo((1 / 3 + 1 / 2) / 3 / Math.sqrt(3));
    expect(row.get('d')).toBeCloseTo(1 / 5 / 3 / 1);
  });

  it('idf listeners: a listener with a big basket counts less than one with a small basket', () => {
    const row = rowOf({ alpha: 0.5, beta: undefined, userWeight: 'idf', minCoListeners: 1, shrink: 0 });
    const w = (size: number) => 1 / Math.log(Math.E - 1 + size);
    expect(row.get('b')).toBeCloseTo((w(3) + w(2)) / 3);
    expect(row.get('d')).toBeCloseTo(w(5) / Math.sqrt(3));
  });

  it('drops pairs below the co-listener floor, shrinks thin support, keeps the top K in order', () => {
    const floor = rowOf({ alpha: 0.5, beta: undefined, userWeight: 'binary', minCoListeners: 2, shrink: 0 });
    expect([...floor.keys()].sort()).toEqual(['b', 'c']);
    const shrunk = rowOf({ alpha: 0.5, beta: undefined, userWeight: 'binary', minCoListeners: 1, shrink: 3 });
    expect(shrunk.get('d')).toBeCloseTo((1 / Math.sqrt(3)) * (1 / 4));
    const top2 = rowOf({
      alpha: 0.5,
      beta: undefined,
      userWeight: 'binary',
      minCoListeners: 1,
      shrink: 0,
      topK: 2,
    });
    expect([...top2.keys()]).toEqual(['c', 'b']);
    const scores = [...rowOf({}).values()];
    expect(scores).toEqual([...scores].sort((x, y) => y - x));
  });

  it('uses the listener counts it is given for songs whose listeners are not all loaded', () => {
    const b = baskets();
    const [row] = [
      ...similarityRows(
        b,
        [b.indexOf('a')!],
        { ...DEFAULT_SIM, alpha: 0.5, beta: undefined, userWeight: 'binary', minCoListeners: 1, shrink: 0 },
        (s) => (b.songKeys[s] === 'b' ? 12 : b.listeners(s)),
      ),
    ];
    expect(row!.neighbors.find((n) => n.song === 'b')!.score).toBeCloseTo(2 / Math.sqrt(3 * 12));
  });
});

describe('scoreHistory ("For you")', () => {
  const rows = [
    {
      song: 'a',
      neighbors: [
        { song: 'x', score: 1 },
        { song: 'b', score: 0.9 },
      ],
    },
    {
      song: 'b',
      neighbors: [
        { song: 'y', score: 1 },
        { song: 'x', score: 0.5 },
      ],
    },
  ];
  const now = Date.parse('2026-12-01');
  const day = 86_400_000;

  it('sums every history song’s evidence and leaves out what the listener plays', () => {
    const history = new Map([
      ['a', { plays: 1, last: new Date(now) }],
      ['b', { plays: 1, last: new Date(now) }],
    ]);
    const s = scoreHistory(history, rows, now);
    expect(s.has('b')).toBe(false);
    expect(s.get('x')).toBeCloseTo(1.5);
    expect(s.get('y')).toBeCloseTo(1);
  });

  it('weighs a song by (1 + ln plays) and halves it every half-life (365 days by default)', () => {
    const often = scoreHistory(new Map([['a', { plays: 20, last: new Date(now) }]]), rows, now);
    expect(often.get('x')).toBeCloseTo(1 + Math.log(20));
    const old = scoreHistory(new Map([['a', { plays: 1, last: new Date(now - 365 * day) }]]), rows, now);
    expect(old.get('x')).toBeCloseTo(0.5);
    const h60 = { ...DEFAULT_FOR_YOU, halfLifeDays: 60 };
    const old60 = scoreHistory(
      new Map([['a', { plays: 1, last: new Date(now - 120 * day) }]]),
      rows,
      now,
      h60,
    );
    expect(old60.get('x')).toBeCloseTo(0.25);
    // The old favourite played often loses to a song played once today only as the weights say.
    const mixed = scoreHistory(
      new Map([
        ['a', { plays: 1, last: new Date(now) }],
        ['b', { plays: 1, last: new Date(now - 60 * day) }],
      ]),
      rows,
      now,
      h60,
    );
    expect(mixed.get('x')).toBeCloseTo(1 + 0.5 * 0.5);
  });

  it("weighs a history song by its row's listener count to the seedListeners power", () => {
    const counted = [
      { ...rows[0]!, listeners: 32 },
      { ...rows[1]!, listeners: 1 },
    ];
    const history = new Map([
      ['a', { plays: 1, last: new Date(now) }],
      ['b', { plays: 1, last: new Date(now) }],
    ]);
    const s = scoreHistory(history, counted, now);
    // a: 32^0.2 = 2; b: 1.
    expect(s.get('x')).toBeCloseTo(2 * 1 + 1 * 0.5);
    expect(s.get('y')).toBeCloseTo(1);
    // Rows without a count (and seedListeners 0) weigh 1.
    expect(scoreHistory(history, rows, now).get('x')).toBeCloseTo(1.5);
    const flat = scoreHistory(history, counted, now, { ...DEFAULT_FOR_YOU, seedListeners: 0 });
    expect(flat.get('x')).toBeCloseTo(1.5);
  });
});

describe('blendCandidates', () => {
  it('listeners lead, content adds up, charts only fill, never the song itself', () => {
    const out = blendCandidates({
      self: 's',
      neighbors: [
        { id: 'n1', score: 0.2 },
        { id: 'n2', score: 0.1 },
      ],
      album: [{ id: 'n2', playCount: 10 }],
      artist: [
        { id: 's', playCount: 99 },
        { id: 'r1', playCount: 10 },
      ],
      genre: [],
      popular: [{ id: 'p1' }, { id: 's' }],
      want: 10,
    });
    expect(out.map((c) => c.id)).toEqual(['n1', 'n2', 'r1', 'p1']);
    expect(out[0]).toMatchObject({ score: 1, reasons: ['listeners'] });
    expect(out[1]!.reasons).toEqual(['listeners', 'album']);
    expect(out.find((c) => c.id === 'p1')!.reasons).toEqual(['popular']);
  });
});

describe('packed rows', () => {
  it('neighbours and candidates survive the round trip (ids, float32 scores, reasons)', async () => {
    const { packNeighbors, unpackNeighbors, packCandidates, unpackCandidates } = await import(
      '../src/recs-sim'
    );
    const id = (n: number) => n.toString(16).padStart(24, '0');
    const nb = [
      { song: id(1), score: 0.5 },
      { song: id(0xabcdef), score: 0.125 },
    ];
    expect(packNeighbors(nb)).toHaveLength(32);
    expect(unpackNeighbors(packNeighbors(nb))).toEqual(nb);
    const cands = [{ id: id(7), score: 0.3125, reasons: ['listeners', 'genre'] as const }].map((c) => ({
      ...c,
      reasons: [...c.reasons],
    }));
    expect(unpackCandidates(packCandidates(cands))).toEqual(cands);
    expect(unpackNeighbors(undefined)).toEqual([]);
  });
});
