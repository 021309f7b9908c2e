// What every drill scenario shares: the drill's services (./env, imported first), the seeded catalog
// and a signed-in listener, a raw Redis and BullMQ producer for the checks, the cluster of servers and
// workers the scenarios start (stopped at the end whatever happened), and the upload and song helpers.
import './env';
import { readFile, stat } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { createRedis } from '@tonearm/cache';
import { createSession, SESSION_COOKIE } from '@tonearm/core';
import { connectDb, PlayEvent, Song, type SongDoc, seedSkeleton, syncIndexes, User } from '@tonearm/db';
import { cachedTrack, S3Storage } from '@tonearm/media';
import { producerConnection, Queues } from '@tonearm/queue';
import { type Proc, type ServiceName, services, sleep, startServer, startWorker } from './cluster';

/** A fault drill; run() resolves false when its assertions failed (the drill then exits 1). */
export type Drill = { name: string; title: string; run(): Promise<unknown> };

await connectDb();
await syncIndexes();
await seedSkeleton();
const songs = await Song.find().select({ _id: 1 }).limit(12).lean();
export const songIds = songs.map((s) => String(s._id));
export const byId = (i: number) =>
  `/trpc/song.byId?input=${encodeURIComponent(JSON.stringify({ id: songIds[i % songIds.length] }))}`;

// A listener reporting plays (sessions live in Redis, which keeps them across its restart: AOF).
export const rawRedis = createRedis({
  maxRetriesPerRequest: 1,
  enableOfflineQueue: true,
  commandTimeout: 5_000,
});
rawRedis.on('error', () => {});
export const queues = new Queues(producerConnection());
queues.connection.on('error', () => {});
export const storage = new S3Storage();
const user = await User.findOneAndUpdate(
  { email: 'drill@example.test' },
  { $setOnInsert: { email: 'drill@example.test', handle: 'drill', displayName: 'Drill', passwordHash: 'x' } },
  { upsert: true, returnDocument: 'after' },
);
export const drillUserId = String(user._id);
export const cookie = `${SESSION_COOKIE}=${await createSession(rawRedis, { userId: drillUserId, role: 'user' }, 24 * 3600)}`;

export async function restart(
  name: ServiceName,
  downMs: number,
  at: { faultAt: number; restoredAt?: number },
  t0: number,
) {
  services('stop', name);
  at.faultAt = performance.now() - t0;
  await sleep(downMs);
  services('start', name);
  at.restoredAt = performance.now() - t0;
}

export async function trpc<T>(base: string, path: string, input: unknown, as = cookie): Promise<T> {
  const res = await fetch(`${base}/trpc/${path}`, {
    method: 'POST',
    headers: { cookie: as, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  const json = (await res.json()) as { result?: { data: T }; error?: unknown };
  if (!res.ok || !json.result) throw new Error(`${path}: ${res.status} ${JSON.stringify(json.error)}`);
  return json.result.data;
}

/** upload.create → PUT to S3 → upload.finalize (which enqueues the transcode). */
export async function upload(base: string, seconds: number, title: string): Promise<string> {
  const file = await cachedTrack('drill', { seconds });
  const { size } = await stat(file);
  const created = await trpc<{ songId: string; uploadUrl: string; uploadHeaders: Record<string, string> }>(
    base,
    'upload.create',
    { title, artistName: 'Drill Artist', contentType: 'audio/mpeg', sizeBytes: size },
  );
  const put = await fetch(created.uploadUrl, {
    method: 'PUT',
    headers: created.uploadHeaders,
    body: await readFile(file),
  });
  if (!put.ok) throw new Error(`PUT: ${put.status}`);
  await trpc(base, 'upload.finalize', { songId: created.songId });
  return created.songId;
}

export async function waitSong(
  songId: string,
  pred: (s: SongDoc) => boolean,
  timeoutMs = 300_000,
  everyMs = 200,
) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const s = await Song.findById(songId)
      .lean<SongDoc>()
      .catch(() => null);
    if (s && pred(s)) return s;
    if (Date.now() > until)
      throw new Error(`song ${songId} never matched; last: ${JSON.stringify(s?.media)}`);
    await sleep(everyMs);
  }
}
export const settled = (s: SongDoc) => s.media?.status === 'ready' || s.media?.status === 'failed';

/** Final state of a transcoded song: status, reason, and the ladders in S3 (only the published one). */
export async function songOutcome(songId: string) {
  const s = await Song.findById(songId).lean<SongDoc>();
  const prefixes = await storage.listPrefixes(`songs/${songId}/hls/`);
  const published = s?.media?.hlsPrefix ?? null;
  const orphans = prefixes.filter((p) => p !== published || s?.media?.status !== 'ready');
  const job = await queues.get('media').getJob(`transcode-${songId}`);
  return {
    status: s?.media?.status,
    error: s?.media?.error ?? null,
    'attempts started': job?.attemptsStarted ?? null,
    'ladders in S3': prefixes.length,
    'orphaned ladders': orphans.length,
    verdict:
      s?.media?.status === 'ready' && orphans.length === 0
        ? 'ready, one ladder'
        : s?.media?.status === 'failed' && s.media.error && orphans.length === 0
          ? 'failed with a reason, no objects left'
          : 'HALF-PUBLISHED OR STUCK',
  };
}

export const cluster: { a?: Proc; b?: Proc; w?: Proc } = {};
/** Every process a drill starts, stopped at the end whatever happened. */
export const started: Proc[] = [];
export const track = (p: Proc) => {
  started.push(p);
  return p;
};
export async function ensureCluster() {
  cluster.a ??= track(await startServer('server-a'));
  cluster.b ??= track(await startServer('server-b'));
  cluster.w ??= track(await startWorker('worker-1'));
  return { a: cluster.a, b: cluster.b, w: cluster.w, urls: () => [cluster.a!.url!, cluster.b!.url!] };
}

export async function docCounts() {
  return Promise.all([
    User.estimatedDocumentCount(),
    Song.estimatedDocumentCount(),
    PlayEvent.estimatedDocumentCount(),
  ]);
}
export async function redisMb() {
  const info = await rawRedis.info('memory').catch(() => '');
  return Math.round(Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0) / 1e5) / 10;
}
export async function readyz(p: Proc) {
  const t = performance.now();
  for (let i = 0; i < 300; i++) {
    const ok = await fetch(`${p.url}/readyz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return `${Math.round(performance.now() - t)} ms (after the load ended)`;
    await sleep(100);
  }
  return 'NOT READY';
}
