// Search-sync lag under a write load with a clock-skewed writer and a play load: the outbox sync
// (packages/core/src/search/sync.ts) in three independent readers (three indexes, as three server
// processes hold; here in one Node process on one connection pool) against the previous design in
// the same run, on the same writes: a 1 s poll on updatedAt with a 2 s overlap (re-implemented below
// as it was). Lag = from the write's acknowledgement to the moment the LAST index holds the new title.
// Writers: renames at a steady rate; a skewed writer whose updatedAt is 10 minutes behind; a stalled
// writer whose write lands 1.5 s after it announced it (past the readers' settle timeout of 1 s);
// plays ($inc playCount, which moves updatedAt) at a steady rate.
import { env } from '@tonearm/config';
import { EmbeddedSearchIndex, type IndexEntry, SearchSync } from '@tonearm/core';
import {
  closeSearchChanges,
  connectDb,
  disconnectDb,
  generateCatalog,
  insertCatalog,
  mongoose,
  openSearchChanges,
  SearchOutbox,
  Song,
  syncIndexes,
  Types,
} from '@tonearm/db';
import { createLogger } from '@tonearm/observability';
import { type Harness, stats } from './harness';

const SONGS = Number(process.env.BENCH_SYNC_SONGS ?? 3_000);
const SECONDS = Number(process.env.BENCH_SYNC_SECONDS ?? 20);
const WRITES_PER_S = 20;
const SKEWED_PER_S = 2;
const STALLED_EVERY_MS = 2_000;
const PLAYS_PER_S = 100;
const READERS = 3;

/** An index that notes when each watched title first appears in it. */
class WatchedIndex extends EmbeddedSearchIndex {
  constructor(private readonly seen: Map<string, number>) {
    super();
  }
  override upsert(entries: IndexEntry[]): void {
    super.upsert(entries);
    const now = performance.now();
    for (const e of entries)
      if (e.kind === 'song' && e.title.startsWith('bench ') && !this.seen.has(e.title))
        this.seen.set(e.title, now);
  }
}

/** The previous sync's catch-up, as it was: updatedAt > watermark − 2 s, every second. */
class TimestampPoll {
  private watermark: Date | undefined;
  private timer: NodeJS.Timeout | undefined;
  reread = 0;
  constructor(readonly index: WatchedIndex) {}
  async start() {
    await this.poll();
    this.timer = setInterval(() => void this.poll(), 1_000);
  }
  stop() {
    clearInterval(this.timer);
  }
  private async poll() {
    const filter = this.watermark
      ? {
          updatedAt: mongoose.trusted({ $gt: new Date(this.watermark.getTime() - 2_000) }) as unknown as Date,
        }
      : {};
    const docs = await Song.find(filter, {
      title: 1,
      artistId: 1,
      artistName: 1,
      albumId: 1,
      albumTitle: 1,
      playCount: 1,
      'media.status': 1,
      updatedAt: 1,
    }).lean();
    const entries: IndexEntry[] = [];
    for (const d of docs) {
      if ((d as { media?: { status?: string } }).media?.status !== 'ready') continue;
      entries.push({
        kind: 'song',
        id: String(d._id),
        title: d.title,
        artistId: String(d.artistId),
        artistName: d.artistName,
        albumId: d.albumId ? String(d.albumId) : null,
        albumTitle: d.albumTitle ?? null,
        playCount: d.playCount ?? 0,
      });
      if (d.updatedAt && (!this.watermark || d.updatedAt > this.watermark)) this.watermark = d.updatedAt;
    }
    if (this.watermark) this.reread += docs.length;
    this.index.upsert(entries);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export default async function (h: Harness) {
  const uri = env().MONGODB_URI.replace(/\/[^/?]*(\?|$)/, `/bench_sync_${Date.now()}$1`);
  await connectDb(uri);
  await syncIndexes();
  const log = createLogger('bench', 'silent');
  await insertCatalog(generateCatalog({ seed: 3, songs: SONGS }));
  const ids = (await Song.find({ 'media.status': 'ready' }, { _id: 1 }).lean()).map((d) => String(d._id));

  const targetSeen = Array.from({ length: READERS }, () => new Map<string, number>());
  const readers = targetSeen.map(
    (seen) => new SearchSync(new WatchedIndex(seen), { log, pollMs: 100, settleAfterMs: 1_000 }),
  );
  const baseSeen = new Map<string, number>();
  const baseline = new TimestampPoll(new WatchedIndex(baseSeen));
  await Promise.all([...readers.map((r) => r.start()), baseline.start()]);
  const appliedBefore = readers.map((r) => r.applied);
  const outboxBefore = await SearchOutbox.estimatedDocumentCount();

  type Write = { title: string; ackAt: number; kind: 'steady' | 'skewed' | 'stalled' };
  const writes: Write[] = [];
  let n = 0;
  let plays = 0;
  // Each rename takes a song no other rename touched (a second rename of the same song before the
  // first reached an index would hide the first); plays pick any song.
  const fresh = [...ids].sort(() => Math.random() - 0.5);
  const pick = () => fresh.pop() ?? ids[0]!;
  const anySong = () => ids[Math.floor(Math.random() * ids.length)]!;
  const end = performance.now() + SECONDS * 1_000;
  const loop = async (perS: number, fn: () => Promise<void>) => {
    const gap = 1_000 / perS;
    let next = performance.now();
    while (performance.now() < end) {
      await fn();
      next += gap;
      const wait = next - performance.now();
      if (wait > 0) await sleep(wait);
    }
  };
  const inflight: Promise<void>[] = [];
  await Promise.all([
    loop(WRITES_PER_S, async () => {
      const title = `bench steady ${n++}`;
      await Song.updateOne({ _id: pick() }, { $set: { title } });
      writes.push({ title, ackAt: performance.now(), kind: 'steady' });
    }),
    // The skewed writer: its clock is 10 minutes behind, so its updatedAt is too.
    loop(SKEWED_PER_S, async () => {
      const title = `bench skewed ${n++}`;
      await Song.updateOne(
        { _id: pick() },
        { $set: { title, updatedAt: new Date(Date.now() - 600_000) } },
        { timestamps: false },
      );
      writes.push({ title, ackAt: performance.now(), kind: 'skewed' });
    }),
    // The stalled writer: announces, stalls 1.5 s (GC pause, slow primary), then writes.
    loop(1_000 / STALLED_EVERY_MS, async () => {
      const title = `bench stalled ${n++}`;
      const id = pick();
      const seqs = await openSearchChanges('song', [id]);
      inflight.push(
        (async () => {
          await sleep(1_500);
          await Song.collection.updateOne(
            { _id: new Types.ObjectId(id) },
            { $set: { title, updatedAt: new Date(Date.now() - 5_000) } },
          );
          writes.push({ title, ackAt: performance.now(), kind: 'stalled' });
          await closeSearchChanges('song', seqs);
        })(),
      );
    }),
    loop(PLAYS_PER_S, async () => {
      await Song.updateOne({ _id: anySong() }, { $inc: { playCount: 1 } });
      plays++;
    }),
  ]);
  await Promise.all(inflight);
  const outboxEntries = (await SearchOutbox.estimatedDocumentCount()) - outboxBefore;

  // Let both designs converge (up to 15 s), then count what each index never got.
  const deadline = performance.now() + 15_000;
  while (performance.now() < deadline) {
    if (writes.every((w) => targetSeen.every((s) => s.has(w.title)) && baseSeen.has(w.title))) break;
    await sleep(200);
  }
  await Promise.all(readers.map((r) => r.stop()));
  baseline.stop();

  const lagOf = (seenBy: Map<string, number>[]) => {
    const lags: number[] = [];
    let missed = 0;
    const missedSkewed = { n: 0 };
    for (const w of writes) {
      const at = seenBy.map((s) => s.get(w.title));
      if (at.some((t) => t === undefined)) {
        missed++;
        if (w.kind === 'skewed') missedSkewed.n++;
        continue;
      }
      lags.push(Math.max(0, Math.max(...(at as number[])) - w.ackAt));
    }
    return { lags, missed, missedSkewed: missedSkewed.n };
  };
  const t = lagOf(targetSeen);
  const b = lagOf([baseSeen]);
  const applied = readers.reduce((s, r, i) => s + r.applied - appliedBefore[i]!, 0) / READERS;
  h.record({
    name: `search-sync lag p99, write → all ${READERS} indexes (outbox) vs updatedAt poll`,
    target: stats(t.lags),
    baseline: stats(b.lags.length ? b.lags : [Number.NaN]),
    figures: {
      writes: writes.length,
      'skewed writes': writes.filter((w) => w.kind === 'skewed').length,
      'stalled writes': writes.filter((w) => w.kind === 'stalled').length,
      'missed (outbox)': t.missed,
      'missed (updatedAt poll)': b.missed,
      'missed skewed (updatedAt poll)': b.missedSkewed,
      plays,
      'outbox entries written': outboxEntries,
      'outbox entries applied per reader': Math.round(applied),
      'docs re-read by the poll (plays + writes)': baseline.reread,
    },
    note: `${SONGS} songs, ${SECONDS} s of ${WRITES_PER_S} renames/s + ${SKEWED_PER_S}/s from a writer 10 min behind + one stalled 1.5 s every ${STALLED_EVERY_MS / 1000} s + ${PLAYS_PER_S} plays/s; readers poll 100 ms, settle after 1 s`,
  });

  // What the outbox costs a catalog write: a rename through the model (announce, write, close)
  // against the same rename through the native driver (no announcement), interleaved.
  let k = 0;
  const one = ids[1]!;
  await h.compare(
    'rename through the model (outbox) vs native driver (none)',
    () => Song.updateOne({ _id: one }, { $set: { title: `bench cost ${k++}` } }),
    () =>
      Song.collection.updateOne({ _id: new Types.ObjectId(one) }, { $set: { title: `bench cost ${k++}` } }),
    { iterations: 300, warmup: 20, rounds: 3 },
  );
  await mongoose.connection.db?.dropDatabase();
  await disconnectDb();
}
