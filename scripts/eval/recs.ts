// `pnpm eval recs <user<TAB>item<TAB>count file> [--users N] [--seed S]`: offline evaluation of
// "More like this" and "For you" through the product itself. Each listener's items are shuffled with
// a fixed seed and 20% held out; the training part is loaded through the product's play-event path
// (reportPlay: one play event per training (listener, item) pair, as a player reports it); the
// product's neighbour job runs (refreshSongNeighbors, full); then the product's serving code answers
// (moreLikeThis seeded with the listener's most-played training item, as served to that signed-in
// listener, and recommendedFor). Baselines
// computed in the same run from the same training pairs: popularity, raw co-occurrence counts and
// binary item cosine, each leaving out what the listener already plays.
import { randomUUID } from 'node:crypto';
import { Cache, createRedis, whenReady } from '@tonearm/cache';
import { env } from '@tonearm/config';
import { connectDb, disconnectDb, mongoose, Song, syncIndexes, Types } from '@tonearm/db';
import { createLogger } from '@tonearm/observability';
import { producerConnection, Queues } from '@tonearm/queue';
import { readyMedia, withDbName } from '@tonearm/testing';
import { moreLikeThis, recommendedFor, refreshSongNeighbors, reportPlay } from '../../packages/core/src';
import {
  Baskets,
  DEFAULT_SIM,
  type SimOptions,
  scoreHistory,
  similarityRows,
} from '../../packages/core/src/recs-sim';
import { type PlayRow, readPlayRows } from './files';

/** mulberry32: a small seeded generator, so the split is the same on every run. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
function shuffle<T>(xs: T[], r: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

export type Split = {
  train: Map<string, PlayRow[]>;
  held: Map<string, Set<string>>;
};

/**
 * Every listener with ≥ 5 items has 20% of them held out (shuffled with the seed); `users` of those
 * listeners, drawn with the seed, are evaluated. Training holds every other pair of every listener
 * (`evaluatedOnly`: only the evaluated listeners' pairs, the protocol of the first runs).
 */
export function splitRows(rows: PlayRow[], users: number, seed: number, evaluatedOnly = false): Split {
  const r = rng(seed);
  const byUser = new Map<string, PlayRow[]>();
  for (const row of rows) {
    const list = byUser.get(row.user);
    if (list) list.push(row);
    else byUser.set(row.user, [row]);
  }
  const all = [...byUser.keys()].sort();
  const eligible = shuffle(
    all.filter((u) => (byUser.get(u)?.length ?? 0) >= 5),
    r,
  );
  const evaluated = new Set(eligible.slice(0, users));
  const train = new Map<string, PlayRow[]>();
  const held = new Map<string, Set<string>>();
  for (const u of eligible) {
    if (evaluatedOnly && !evaluated.has(u)) continue;
    const items = shuffle([...byUser.get(u)!], r);
    const k = Math.max(1, Math.floor(items.length * 0.2));
    if (evaluated.has(u)) held.set(u, new Set(items.slice(0, k).map((x) => x.item)));
    train.set(u, items.slice(k));
  }
  if (!evaluatedOnly) for (const u of all) if (!train.has(u)) train.set(u, byUser.get(u)!);
  return { train, held };
}

type Scores = Map<string, number>;
const topN = (s: Scores, n: number, skip: Set<string>) =>
  [...s.entries()]
    .filter(([k]) => !skip.has(k))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, n)
    .map(([k]) => k);

export async function runRecsEval(file: string, argv: string[] = process.argv.slice(4)): Promise<void> {
  const opt = (name: string, d: number) => {
    const i = argv.indexOf(name);
    const v = i >= 0 ? Number(argv[i + 1]) : d;
    if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive integer`);
    return v;
  };
  const users = opt('--users', 600);
  const seed = opt('--seed', 42);
  const rows = readPlayRows(file);
  const { train, held } = splitRows(rows, users, seed, argv.includes('--train-evaluated-only'));
  const trainRows = [...train.values()].flat();
  const items = [...new Set(trainRows.map((r) => r.item))];
  console.log(
    `[eval recs] ${file}: ${rows.length} rows; ${held.size} listeners evaluated, ${train.size} in training, ${trainRows.length} training pairs over ${items.length} items, ${[...held.values()].reduce((n, h) => n + h.size, 0)} held out (seed ${seed})`,
  );

  if (argv.includes('--sweep-only')) return sweep(train, held);

  // --- the product ---
  await connectDb(withDbName(env().MONGODB_URI, 'eval_recs'));
  await mongoose.connection.db?.dropDatabase();
  await syncIndexes();
  const listeners = new Map<string, number>();
  for (const r of trainRows) listeners.set(r.item, (listeners.get(r.item) ?? 0) + 1);
  const songOf = new Map<string, string>();
  const itemOf = new Map<string, string>();
  const docs = items.map((item) => {
    const _id = new Types.ObjectId();
    songOf.set(item, String(_id));
    itemOf.set(String(_id), item);
    // Each item is a song by its own artist (the data names artists): no content signal leaks in.
    // playCount is what the stats job would have counted from the training plays.
    return {
      _id,
      title: item.slice(0, 200),
      artistId: new Types.ObjectId(),
      artistName: item,
      durationSec: 200,
      playCount: listeners.get(item) ?? 0,
      media: readyMedia(`songs/${_id}/hls/v1/`),
    };
  });
  for (let i = 0; i < docs.length; i += 2_000) await Song.insertMany(docs.slice(i, i + 2_000));
  const redis = createRedis({ keyPrefix: 'eval-recs:', commandTimeout: 60_000 });
  await whenReady(redis);
  await redis.del('recs:neighbors:watermark');
  const queues = new Queues(producerConnection(), { prefix: 'eval-recs-q' });
  const deps = {
    redis,
    queues,
    cache: new Cache(redis, { prefix: `evr${Date.now()}` }),
    log: createLogger('eval', 'silent'),
  } as never;
  const userIds = new Map([...train.keys()].map((u) => [u, String(new Types.ObjectId())]));
  const now = Date.now();
  const r = rng(seed + 1);
  const t0 = performance.now();
  const todo = trainRows.map((row) => ({
    row,
    at: new Date(now - 60_000 - Math.floor(r() * 170 * 86_400_000)),
  }));
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < todo.length) {
        const { row, at } = todo[next++]!;
        await reportPlay(deps, userIds.get(row.user)!, {
          eventId: randomUUID(),
          songId: songOf.get(row.item)!,
          startedAt: at,
          playedSec: 200,
          completed: true,
        });
      }
    }),
  );
  console.log(
    `  loaded ${todo.length} plays through reportPlay in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const job = await refreshSongNeighbors(deps, { mode: 'full' });
  console.log(`  neighbour job: ${job.rowsWritten} rows in ${(job.tookMs / 1000).toFixed(1)} s`);

  // --- baselines from the same training pairs ---
  const bk = new Baskets();
  for (const [u, rowsOfUser] of train) for (const x of rowsOfUser) bk.add(u, x.item);
  bk.freeze();
  const pop: Scores = new Map(bk.songKeys.map((k, i) => [k, bk.listeners(i)]));
  const coMemo = new Map<string, Scores>();
  const cooc = (a: string): Scores => {
    let m = coMemo.get(a);
    if (m) return m;
    m = new Map();
    const ia = bk.indexOf(a);
    for (const u of ia === undefined ? [] : bk.usersOf[ia]!)
      for (const s of bk.basket[u]!) if (s !== ia) m.set(bk.songKeys[s]!, (m.get(bk.songKeys[s]!) ?? 0) + 1);
    coMemo.set(a, m);
    return m;
  };
  const cosine = (a: string): Scores => {
    const out: Scores = new Map();
    const na = pop.get(a) ?? 1;
    for (const [b, c] of cooc(a)) out.set(b, c / Math.sqrt(na * (pop.get(b) ?? 1)));
    return out;
  };
  const sumOver = (hist: string[], f: (a: string) => Scores): Scores => {
    const out: Scores = new Map();
    for (const a of hist) for (const [b, v] of f(a)) out.set(b, (out.get(b) ?? 0) + v);
    return out;
  };

  type Acc = { hit: number; recall: number; ownSlots: number };
  const acc = new Map<string, Acc>();
  const add = (k: string, recs: string[], h: Set<string>, own: Set<string>, kind: 'hit' | 'recall') => {
    const a = acc.get(k) ?? { hit: 0, recall: 0, ownSlots: 0 };
    const hits = recs.filter((x) => h.has(x)).length;
    if (kind === 'hit') a.hit += hits > 0 ? 1 : 0;
    else a.recall += hits / h.size;
    a.ownSlots += recs.filter((x) => own.has(x)).length;
    acc.set(k, a);
  };
  let i = 0;
  for (const [u, h] of held) {
    const rowsOfUser = train.get(u)!;
    const own = new Set(rowsOfUser.map((x) => x.item));
    const hist = rowsOfUser.map((x) => x.item);
    const top = [...rowsOfUser].sort((a, b) => b.count - a.count || (a.item < b.item ? -1 : 1))[0]!.item;
    const mlt = (await moreLikeThis(deps, songOf.get(top)!, 10, { forUserId: userIds.get(u)! })).map(
      (x) => itemOf.get(x.id)!,
    );
    add('mlt product (as served)', mlt, h, own, 'hit');
    add('mlt popularity', topN(pop, 10, own), h, own, 'hit');
    add('mlt co-occurrence', topN(cooc(top), 10, own), h, own, 'hit');
    add('mlt item cosine', topN(cosine(top), 10, own), h, own, 'hit');
    const fy = (await recommendedFor(deps, userIds.get(u)!, 10)).map((x) => itemOf.get(x.id)!);
    add('foryou product (as served)', fy, h, own, 'recall');
    add('foryou popularity', topN(pop, 10, own), h, own, 'recall');
    add('foryou co-occurrence', topN(sumOver(hist, cooc), 10, own), h, own, 'recall');
    add('foryou item cosine', topN(sumOver(hist, cosine), 10, own), h, own, 'recall');
    if (++i % 100 === 0) console.log(`  evaluated ${i}/${held.size}`);
  }
  const L = held.size;
  if (argv.includes('--sweep')) sweep(train, held);
  console.log(`  More like this, hit-rate@10 (seed = the listener's top training item), ${L} listeners:`);
  for (const [k, a] of acc)
    if (k.startsWith('mlt'))
      console.log(
        `    ${k.slice(4).padEnd(22)} ${(a.hit / L).toFixed(3)}   slots already played ${((100 * a.ownSlots) / (10 * L)).toFixed(1)}%`,
      );
  console.log('  For you, recall@10 of held-out items:');
  for (const [k, a] of acc)
    if (k.startsWith('foryou'))
      console.log(
        `    ${k.slice(7).padEnd(22)} ${(a.recall / L).toFixed(3)}   slots already played ${((100 * a.ownSlots) / (10 * L)).toFixed(1)}%`,
      );
  await queues
    .get('stats')
    .obliterate({ force: true })
    .catch(() => {});
  await queues.close();
  queues.connection.disconnect();
  redis.disconnect();
  await disconnectDb();
}

/** The similarity variants compared (docs/SEARCH.md), in memory with the job's own functions. */
export const SWEEP: { name: string; sim: Partial<SimOptions> }[] = [
  {
    name: 'cosine, >= 2 co-listeners, shrink 3, top 50 (before)',
    sim: { minCoListeners: 2, shrink: 3, topK: 50, userWeight: 'binary', alpha: 0.5 },
  },
  { name: 'cosine, all pairs, top 300', sim: { userWeight: 'binary', topK: 300, alpha: 0.5 } },
  { name: 'asymmetric a=0.7 + idf, top 300', sim: { alpha: 0.7, topK: 300, userWeight: 'idf' } },
  { name: 'asymmetric a=0.9 + idf, top 300', sim: { alpha: 0.9, topK: 300, userWeight: 'idf' } },
  {
    name: 'asymmetric a=0.9 + idf, shrink 3, top 300',
    sim: { alpha: 0.9, topK: 300, userWeight: 'idf', shrink: 3 },
  },
  { name: 'RP3b b=0.3, top 300', sim: { alpha: 1, beta: 0.3, topK: 300, userWeight: 'inverse' } },
  { name: 'RP3b b=0.5, top 300', sim: { alpha: 1, beta: 0.5, topK: 300, userWeight: 'inverse' } },
  { name: 'RP3b b=0.1, top 300', sim: { alpha: 1, beta: 0.1, topK: 300, userWeight: 'inverse' } },
  { name: 'RP3b b=0.2, top 300', sim: { alpha: 1, beta: 0.2, topK: 300, userWeight: 'inverse' } },
  { name: 'RP3b b=0.2, top 100', sim: { alpha: 1, beta: 0.2, topK: 100, userWeight: 'inverse' } },
  { name: 'RP3b b=0.2, top 200', sim: { alpha: 1, beta: 0.2, topK: 200, userWeight: 'inverse' } },
  { name: 'RP3b b=0.2, idf listeners, top 200', sim: { alpha: 1, beta: 0.2, topK: 200, userWeight: 'idf' } },
  {
    name: 'RP3b b=0.2, shrink 1, top 200',
    sim: { alpha: 1, beta: 0.2, topK: 200, userWeight: 'inverse', shrink: 1 },
  },
];

function sweep(train: Map<string, PlayRow[]>, held: Map<string, Set<string>>): void {
  const b = new Baskets();
  for (const [u, rows] of train) for (const r of rows) b.add(u, r.item);
  b.freeze();
  const now = Date.now();
  console.log(
    "  sweep (in memory, the job's similarityRows + For you's scoreHistory), MLT hit@10 / For you recall@10:",
  );
  const co = (a: string) => {
    const m = new Map<string, number>();
    const ia = b.indexOf(a);
    for (const u of ia === undefined ? [] : b.usersOf[ia]!)
      for (const s of b.basket[u]!) if (s !== ia) m.set(b.songKeys[s]!, (m.get(b.songKeys[s]!) ?? 0) + 1);
    return m;
  };
  const baselines = { 'raw co-occurrence (baseline)': 0, 'item cosine, all pairs (baseline)': 0.5 } as const;
  for (const [name, expo] of Object.entries(baselines)) {
    let hit = 0;
    let recall = 0;
    const score = (a: string) => {
      const m = co(a);
      if (expo === 0) return m;
      const na = b.listeners(b.indexOf(a)!);
      for (const [k, c] of m) m.set(k, c / Math.sqrt(na * b.listeners(b.indexOf(k)!)));
      return m;
    };
    for (const [u, h] of held) {
      const rowsOfUser = train.get(u)!;
      const own = new Set(rowsOfUser.map((x) => x.item));
      const top = [...rowsOfUser].sort((a, c) => c.count - a.count || (a.item < c.item ? -1 : 1))[0]!.item;
      const rank = (m: Map<string, number>) =>
        [...m.entries()]
          .filter(([k]) => !own.has(k))
          .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))
          .slice(0, 10)
          .map(([k]) => k);
      if (rank(score(top)).some((x) => h.has(x))) hit++;
      const sum = new Map<string, number>();
      for (const x of own) for (const [k, v] of score(x)) sum.set(k, (sum.get(k) ?? 0) + v);
      recall += rank(sum).filter((x) => h.has(x)).length / h.size;
    }
    console.log(`    ${name.padEnd(56)} ${(hit / held.size).toFixed(3)}  ${(recall / held.size).toFixed(3)}`);
  }
  for (const v of SWEEP) {
    const sim = { ...DEFAULT_SIM, ...v.sim };
    const rows = new Map<string, { song: string; score: number }[]>();
    for (const row of similarityRows(
      b,
      b.songKeys.map((_, i) => i),
      sim,
    ))
      rows.set(row.song, row.neighbors);
    let hit = 0;
    let recall = 0;
    for (const [u, h] of held) {
      const rowsOfUser = train.get(u)!;
      const own = new Set(rowsOfUser.map((x) => x.item));
      const top = [...rowsOfUser].sort((a, c) => c.count - a.count || (a.item < c.item ? -1 : 1))[0]!.item;
      const mlt = (rows.get(top) ?? []).filter((n) => !own.has(n.song)).slice(0, 10);
      if (mlt.some((n) => h.has(n.song))) hit++;
      const hist = new Map(rowsOfUser.map((x) => [x.item, { plays: 1, last: new Date(now) }]));
      const scored = scoreHistory(
        hist,
        [...hist.keys()].map((song) => ({
          song,
          listeners: b.listeners(b.indexOf(song)!),
          neighbors: rows.get(song) ?? [],
        })),
        now,
      );
      const fy = [...scored.entries()]
        .sort((a, c) => c[1] - a[1] || (a[0] < c[0] ? -1 : 1))
        .slice(0, 10)
        .map(([k]) => k);
      recall += fy.filter((x) => h.has(x)).length / h.size;
    }
    console.log(
      `    ${v.name.padEnd(56)} ${(hit / held.size).toFixed(3)}  ${(recall / held.size).toFixed(3)}`,
    );
  }
}
