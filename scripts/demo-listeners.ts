// Demo listeners over the real demo library (scripts/run.sh runs it after `pnpm import`): eight
// clearly marked demo accounts ("… (demo)", handle demo_*, emails under demo.tonearm.invalid, no
// password anyone can use) who follow each other and have two weeks of listening history in taste
// clusters, so charts, "More like this" and the friends feed have something to show on a new server.
// Plays go through the product's own path: stored PlayEvents, counted by the stats job (one
// stats.countPlay job each), then one full song-neighbours run. Idempotent: fixed event ids.
//
// usage: tsx scripts/demo-listeners.ts [--wait]   (--wait: until the library's songs are ready)
import { parseArgs } from 'node:util';
import { env } from '@tonearm/config';
import {
  connectDb,
  disconnectDb,
  Follow,
  mongoose,
  PlayEvent,
  rng,
  Song,
  syncIndexes,
  type Types,
  User,
} from '@tonearm/db';
import { Jobs, producerConnection, Queues } from '@tonearm/queue';

const { values: args } = parseArgs({ options: { wait: { type: 'boolean', default: false } } });
const NAMES = ['Ada', 'Bruno', 'Chiara', 'Dmitri', 'Esi', 'Farid', 'Grete', 'Hana'];
const cfg = env();
await connectDb(cfg.MONGODB_URI);
await syncIndexes();

type S = {
  _id: Types.ObjectId;
  artistId: Types.ObjectId;
  durationSec: number;
  albumId: Types.ObjectId | null;
};
const ready = () =>
  Song.find({ 'media.status': 'ready' }, { artistId: 1, durationSec: 1, albumId: 1 })
    .sort({ _id: 1 })
    .lean<S[]>();
let songs = await ready();
if (args.wait) {
  // Until no song is still queued or transcoding (an import hands its songs to the worker).
  for (;;) {
    const pending = await Song.countDocuments({
      'media.status': mongoose.trusted({ $in: ['uploaded', 'transcoding'] }),
    });
    if (pending === 0) break;
    await new Promise((r) => setTimeout(r, 5_000));
  }
  songs = await ready();
}
if (songs.length < 3) {
  console.log(`[demo-listeners] only ${songs.length} playable songs: nothing to listen to yet`);
  await disconnectDb();
  process.exit(0);
}

const r = rng(20261201);
const users = [];
for (const [i, name] of NAMES.entries()) {
  const handle = `demo_${name.toLowerCase()}`;
  const u = await User.findOneAndUpdate(
    { handle },
    {
      $setOnInsert: {
        email: `${handle}@demo.tonearm.invalid`,
        handle,
        displayName: `${name} (demo)`,
        // Not an argon2 hash: nobody can sign in as a demo listener.
        passwordHash: '!demo-account',
        role: 'user',
      },
    },
    { upsert: true, returnDocument: 'after' },
  ).lean();
  users.push({ ...u!, cluster: i % 3 });
}
// Each follows the next two: the friends feed of every demo account has people in it.
for (const [i, u] of users.entries()) {
  for (const j of [1, 2]) {
    const v = users[(i + j) % users.length]!;
    await Follow.updateOne(
      { followerId: u._id, followeeId: v._id },
      { $setOnInsert: { followerId: u._id, followeeId: v._id } },
      { upsert: true },
    );
  }
}

// Three taste clusters by position in the library (albums stay together); 60–120 plays each over two
// weeks, 75% from the listener's cluster, the rest from anywhere.
const clusters = [0, 1, 2].map((c) => songs.filter((_, i) => Math.floor((i * 3) / songs.length) === c));
const now = Date.now();
const events = [];
for (const u of users) {
  const n = 60 + Math.floor(r() * 60);
  let t = now - 14 * 86_400_000 + Math.floor(r() * 3_600_000);
  for (let k = 0; k < n; k++) {
    const pool = r() < 0.75 ? clusters[u.cluster]! : songs;
    const s = pool[Math.floor(r() * pool.length)]!;
    t += Math.floor((14 * 86_400_000) / n);
    const completed = r() < 0.85;
    events.push({
      eventId: `demo-${u.handle}-${k}`,
      userId: u._id,
      songId: s._id,
      artistId: s.artistId,
      startedAt: new Date(Math.min(t, now - 60_000)),
      playedSec: completed ? s.durationSec : Math.max(30, Math.round(s.durationSec * 0.4)),
      completed,
      countedAt: null,
    });
  }
}
const existing = new Set(
  (
    await PlayEvent.find(
      { eventId: mongoose.trusted({ $in: events.map((e) => e.eventId) }) },
      { eventId: 1 },
    ).lean()
  ).map((e) => e.eventId),
);
const fresh = events.filter((e) => !existing.has(e.eventId));
if (fresh.length) await PlayEvent.insertMany(fresh, { ordered: false });

const queues = new Queues(producerConnection());
for (const e of fresh)
  await queues.enqueue(
    Jobs.countPlay,
    { eventId: e.eventId, userId: String(e.userId), startedAt: e.startedAt.toISOString() },
    { jobId: `play-${String(e.userId)}-${e.eventId}` },
  );
await queues.enqueue(Jobs.songNeighbors, { mode: 'full' }, { jobId: `demo-neighbours-${Date.now()}` });
console.log(
  `[demo-listeners] ${users.length} demo listeners, ${fresh.length} new plays (${events.length - fresh.length} already there) over ${songs.length} songs`,
);
await queues.close();
queues.connection.disconnect();
await disconnectDb();
