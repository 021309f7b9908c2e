// Retention of raw play events: archive throughput (roll-up into play_archive + delete, in batches of
// 5,000) over generated play events past the retention, against the floor of the same work: a bare
// deleteMany of as many events, in the same run on a second copy of the events.
import { env } from '@tonearm/config';
import { archivePlayEvents } from '@tonearm/core';
import { connectDb, disconnectDb, mongoose, PlayArchive, PlayEvent, syncIndexes, Types } from '@tonearm/db';
import type { Harness } from './harness';

const EVENTS = Number(process.env.BENCH_ARCHIVE_EVENTS ?? 50_000);

function events(n: number, countedAt: Date) {
  const users = Array.from({ length: 500 }, () => new Types.ObjectId());
  const songs = Array.from({ length: 2_000 }, () => new Types.ObjectId());
  const artist = new Types.ObjectId();
  return Array.from({ length: n }, (_, i) => ({
    eventId: `bench-${i}`,
    userId: users[i % users.length]!,
    songId: songs[(i * 7919) % songs.length]!,
    artistId: artist,
    startedAt: new Date(countedAt.getTime() - (i % 30) * 86_400_000),
    playedSec: 180,
    completed: true,
    countedAt,
    createdAt: countedAt,
  }));
}

export default async function (h: Harness) {
  const uri = env().MONGODB_URI.replace(/\/[^/?]*(\?|$)/, `/bench_archive_${Date.now()}$1`);
  await connectDb(uri);
  await syncIndexes();
  const old = new Date(Date.now() - 500 * 86_400_000);
  const load = async () => {
    const docs = events(EVENTS, old);
    for (let i = 0; i < docs.length; i += 5_000)
      await PlayEvent.collection.insertMany(docs.slice(i, i + 5_000));
  };
  await load();
  let t0 = performance.now();
  const run = await archivePlayEvents({ retentionDays: 400, batchSize: 5_000 });
  const archiveMs = performance.now() - t0;
  const rows = await PlayArchive.estimatedDocumentCount();
  await load();
  t0 = performance.now();
  await PlayEvent.deleteMany({ countedAt: mongoose.trusted({ $lt: new Date() }) as unknown as Date });
  const deleteMs = performance.now() - t0;
  h.record({
    name: `archive ${EVENTS.toLocaleString('en')} play events (roll-up + delete) vs bare deleteMany`,
    figures: {
      'archive s': archiveMs / 1000,
      'archive events/s': Math.round((run.events / archiveMs) * 1000),
      'deleteMany s': deleteMs / 1000,
      ratio: archiveMs / deleteMs,
      batches: run.batches,
      'archive rows': rows,
    },
    note: 'batches of 5,000; 500 listeners × 2,000 songs over 30 days',
  });
  await mongoose.connection.db?.dropDatabase();
  await disconnectDb();
}
