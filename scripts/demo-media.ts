// Makes playable demo songs: generates short, distinct tracks with lavfi, uploads each to S3 as a
// song's source and runs it through the real transcode pipeline (core's runTranscode, the function the
// worker runs), so `bash scripts/run.sh` serves music. Idempotent: songs already ready are skipped.
//
// usage: tsx scripts/demo-media.ts [--count N] [--seconds S] [--seeded] [--session] [--json]
//   --seeded   give audio to the first N seeded catalog songs that have none (instead of new songs)
//   --session  also create a session for a demo user and print its cookie (for tests and curl)
//   --album T  make the songs the tracks of album T (in order) and measure the album's loudness
//   --lossless upload each track as 16-bit FLAC (a lossless source: the ladder adds its FLAC rung)
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createRedis, whenReady } from '@tonearm/cache';
import { env } from '@tonearm/config';
import {
  createMediaDepsFromEnv,
  createSession,
  runTranscode,
  SESSION_COOKIE,
  updateAlbumLoudness,
} from '@tonearm/core';
import {
  Album,
  Artist,
  connectDb,
  disconnectDb,
  mongoose,
  Song,
  type SongDoc,
  syncIndexes,
  User,
} from '@tonearm/db';
import { cachedTrack } from '@tonearm/media';
import { createLogger } from '@tonearm/observability';
import { producerConnection, Queues } from '@tonearm/queue';

const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '45' },
    seeded: { type: 'boolean', default: false },
    session: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    album: { type: 'string' },
    lossless: { type: 'boolean', default: false },
  },
});
const count = Number(args.count);
const seconds = Number(args.seconds);
const log = createLogger('demo-media', args.json ? 'warn' : 'info');
const say = (m: string) => {
  if (!args.json) console.log(`[demo-media] ${m}`);
};

const cfg = env();
await connectDb(cfg.MONGODB_URI);
await syncIndexes();
const queues = new Queues(producerConnection());
const publicUrl = cfg.PUBLIC_SERVER_URL ?? `http://127.0.0.1:${cfg.SERVER_PORT}`;
const media = createMediaDepsFromEnv({ queues, fallbackBaseUrl: `${publicUrl}/media/` });
await media.storage.ensureBucket();

const user = await User.findOneAndUpdate(
  { email: 'media-demo@tonearm.local' },
  {
    $setOnInsert: {
      email: 'media-demo@tonearm.local',
      handle: 'media_demo',
      displayName: 'Media Demo',
      passwordHash: '!',
    },
  },
  { upsert: true, returnDocument: 'after' },
).lean();

let targets: SongDoc[];
let albumId: string | null = null;
if (args.seeded) {
  targets = await Song.find({ 'media.status': mongoose.trusted({ $ne: 'ready' }) })
    .sort({ playCount: -1, _id: 1 })
    .limit(count)
    .lean<SongDoc[]>();
} else {
  // An album gets an artist of its own: the plain tones' artist page lists exactly its songs.
  const artistName = args.album ? 'Tonearm Album Tones' : 'Tonearm Test Tones';
  const artist = await Artist.findOneAndUpdate(
    { name: artistName },
    { $setOnInsert: { name: artistName, genres: ['test'] } },
    { upsert: true, returnDocument: 'after' },
  ).lean();
  targets = [];
  const album = args.album
    ? await Album.findOneAndUpdate(
        { title: args.album, artistId: artist!._id },
        { $setOnInsert: { title: args.album, artistId: artist!._id, artistName: artist!.name } },
        { upsert: true, returnDocument: 'after' },
      ).lean()
    : null;
  albumId = album ? String(album._id) : null;
  for (let i = 0; i < count; i++) {
    const title = album ? `${album.title}, part ${i + 1}` : `Tone Study No. ${i + 1} (${seconds} s)`;
    const s =
      (await Song.findOne({ title, artistId: artist!._id }).lean<SongDoc>()) ??
      (await Song.create({
        title,
        artistId: artist!._id,
        artistName: artist!.name,
        albumId: album?._id ?? null,
        albumTitle: album?.title ?? 'Generated Tones',
        trackNumber: i + 1,
        genre: 'test',
        uploaderId: user!._id,
      }).then((d) => d.toObject() as SongDoc));
    if (!s) throw new Error(`could not create demo song ${title}`);
    targets.push(s);
  }
}

const out: { id: string; title: string; hlsPrefix: string; durationSec: number }[] = [];
for (const [i, s] of targets.entries()) {
  const id = String(s._id);
  if (s.media?.status === 'ready' && s.media.hlsPrefix) {
    say(`${s.title}: already ready`);
    out.push({ id, title: s.title, hlsPrefix: s.media.hlsPrefix, durationSec: s.durationSec ?? 0 });
    continue;
  }
  // An album's parts are 6 dB apart: track and album normalisation then give different gains.
  const mp3 = await cachedTrack('demo', { seconds, variant: i, ...(albumId ? { gainDb: -6 * i } : {}) });
  const file = args.lossless ? `${mp3.slice(0, -4)}.flac` : mp3;
  if (args.lossless && !existsSync(file))
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-nostdin',
      '-y',
      '-i',
      mp3,
      '-c:a',
      'flac',
      '-sample_fmt',
      's16',
      file,
    ]);
  const sourceKey = `uploads/${id}/source.${args.lossless ? 'flac' : 'mp3'}`;
  await media.storage.putFile(sourceKey, file, args.lossless ? 'audio/flac' : 'audio/mpeg');
  await Song.updateOne(
    { _id: id },
    {
      $set: {
        'media.status': 'transcoding',
        'media.sourceKey': sourceKey,
        'media.sourceCodec': args.lossless ? 'flac' : 'mp3',
        'media.error': null,
      },
    },
  );
  const t0 = performance.now();
  const r = await runTranscode(media, { songId: id, sourceKey }, { attemptsMade: 0, isFinal: true, log });
  if (r.status !== 'ready') throw new Error(`${s.title}: ${r.reason}`);
  say(`${s.title}: ready at ${r.hlsPrefix} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  out.push({ id, title: s.title, hlsPrefix: r.hlsPrefix, durationSec: seconds });
}

// The transcode job enqueued the album measurement; no worker runs here, so measure now (idempotent).
if (albumId) {
  const r = await updateAlbumLoudness(media, albumId);
  say(`album loudness: ${JSON.stringify(r)}`);
}

let sessionCookie: string | undefined;
if (args.session) {
  const redis = createRedis();
  await whenReady(redis);
  const sid = await createSession(redis, { userId: String(user!._id), role: 'user' }, 3600);
  sessionCookie = `${SESSION_COOKIE}=${sid}`;
  redis.disconnect();
}
if (args.json) console.log(JSON.stringify({ songs: out, sessionCookie }));
else say(`${out.length} playable songs`);
await queues.close();
queues.connection.disconnect();
await disconnectDb();
