// Search at 100,000 songs: the embedded index (MiniSearch) against Orama, the other candidate, and a
// naive MongoDB $regex scan, in the same run. Prints typo recall@1/@5 over the typo benchmark, p50/p99
// latency of typo queries and of search-as-you-type prefixes, build time and the index's heap.
// SEARCH_BENCH_SONGS overrides the size.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { env } from '@tonearm/config';
import { connectDb, disconnectDb, generateCatalog, insertCatalog, mongoose, Song } from '@tonearm/db';
import { recall, type TypoQuery, typoQueries, withDbName } from '@tonearm/testing';
import { EmbeddedSearchIndex, miniSearchEngine, type TextEngine } from '../packages/core/src/search';
import { entriesOf } from '../packages/core/test/search-entries';
import type { Harness } from './harness';
import { oramaEngine } from './orama-engine';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapMb = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1e6;
};

export default async function (h: Harness) {
  const n = Number(process.env.SEARCH_BENCH_SONGS ?? 100_000);
  const cat = generateCatalog({ seed: 42, songs: n });
  const entries = entriesOf(cat);
  const queries = typoQueries({ ...cat, songs: cat.songs.filter((s) => s.media.status === 'ready') }, 400);

  const build = (engine: TextEngine) => {
    const before = heapMb();
    const t0 = performance.now();
    const idx = new EmbeddedSearchIndex({ engine });
    idx.upsert(entries);
    const buildMs = performance.now() - t0;
    return { idx, buildMs, heapMb: heapMb() - before };
  };
  const score = (idx: EmbeddedSearchIndex) =>
    recall(queries, (q: TypoQuery) => {
      const r = idx.searchSync({ q: q.q, limit: 5, kinds: [q.kind] });
      if (q.kind === 'song') return r.songs.map((x) => ({ id: x.id, name: x.title }));
      if (q.kind === 'artist') return r.artists.map((x) => ({ id: x.id, name: x.name }));
      return r.albums.map((x) => ({ id: x.id, name: x.title }));
    });

  const mini = build(miniSearchEngine());
  const miniRecall = score(mini.idx);
  h.record({
    name: `MiniSearch (shipped) typo recall, ${queries.length} queries, ${n} songs`,
    figures: {
      'recall@1': miniRecall.recallAt1,
      'recall@5': miniRecall.recallAt5,
      'build s': mini.buildMs / 1000,
      'index heap MB': mini.heapMb,
      documents: mini.idx.size,
    },
  });
  const orama = build(oramaEngine());
  const oramaRecall = score(orama.idx);
  h.record({
    name: `Orama (candidate) typo recall, ${queries.length} queries, ${n} songs`,
    figures: {
      'recall@1': oramaRecall.recallAt1,
      'recall@5': oramaRecall.recallAt5,
      'build s': orama.buildMs / 1000,
      'index heap MB': orama.heapMb,
    },
  });
  const bony = mini.idx.searchSync({ q: 'Bad Bony', limit: 3, kinds: ['artist'] }).artists.map((a) => a.name);
  h.record({ name: '"Bad Bony" → artists', note: bony.join(', ') });

  let i = 0;
  let j = 0;
  await h.compare(
    `typo query, all groups, ${n} songs: MiniSearch (target) vs Orama (baseline)`,
    () => mini.idx.searchSync({ q: queries[i++ % queries.length]!.q, limit: 10 }),
    () => orama.idx.searchSync({ q: queries[j++ % queries.length]!.q, limit: 10 }),
    { iterations: 400, warmup: 40, rounds: 4 },
  );
  const prefixes = entries
    .filter((_, k) => k % 997 === 0)
    .map((e) => (e.kind === 'artist' ? e.name : e.title))
    .flatMap((name) => [name.slice(0, 3), name.slice(0, Math.ceil(name.length / 2))]);
  i = 0;
  j = 0;
  await h.compare(
    `search-as-you-type prefixes, ${n} songs: MiniSearch vs Orama`,
    () => mini.idx.searchSync({ q: prefixes[i++ % prefixes.length]!, limit: 10 }),
    () => orama.idx.searchSync({ q: prefixes[j++ % prefixes.length]!, limit: 10 }),
    { iterations: 150, warmup: 15, rounds: 3 },
  );

  // The naive baseline: a case-insensitive $regex scan over the three name fields in MongoDB.
  await connectDb(withDbName(env().MONGODB_URI, 'bench_search'));
  if ((await Song.estimatedDocumentCount()) !== n) {
    await mongoose.connection.db?.dropDatabase();
    await insertCatalog(cat);
  }
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const regexSearch = (q: string) => {
    const re = new RegExp(esc(q), 'i');
    return Song.find(
      { $or: [{ title: re }, { artistName: re }, { albumTitle: re }], 'media.status': 'ready' } as never,
      {
        title: 1,
      },
    )
      .sort({ playCount: -1 })
      .limit(10)
      .lean();
  };
  const songQueries = queries.filter((q) => q.kind === 'song').slice(0, 60);
  let hits = 0;
  for (const q of songQueries) {
    const r = await regexSearch(q.q);
    if (r.slice(0, 5).some((x) => String(x._id) === q.targetId || x.title === q.target)) hits++;
  }
  i = 0;
  j = 0;
  await h.compare(
    `typo query, ${n} songs: embedded index (target) vs MongoDB $regex scan (baseline)`,
    () => mini.idx.searchSync({ q: songQueries[i++ % songQueries.length]!.q, limit: 10 }),
    () => regexSearch(songQueries[j++ % songQueries.length]!.q),
    {
      iterations: 60,
      warmup: 5,
      rounds: 2,
      note: `$regex recall@5 on ${songQueries.length} song typos: ${(hits / songQueries.length).toFixed(2)}`,
    },
  );
  await disconnectDb();
}
