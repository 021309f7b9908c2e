// `pnpm drill [name...]`: fault drills against a local cluster (2 servers with the dev media edge, a
// worker, Redis, the MongoDB stand-in, versitygw) under bounded loopback load. Each prints requests
// sent, errors by status and code, 5xx carrying stack traces, the time to recover, the load average,
// and its own data-loss checks. Names: server, redis, mongo, s3, s3-long, worker, queue (all when none given),
// and redis-master on a Redis Cluster (`TONEARM_REDIS_CLUSTER=1 pnpm drill redis-master`).
// The cluster runs on its own services under .data/drill (Redis AOF, MongoDB H2 file): see drill/env.ts.
// Size: About 540 lines: one table of fault drills, each a short scenario over the cluster helpers in
// scripts/drill/.
import './drill/env';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createRedis } from '@tonearm/cache';
import { repoRoot } from '@tonearm/config';
import { createSession, SESSION_COOKIE } from '@tonearm/core';
import {
  connectDb,
  disconnectDb,
  mongoose,
  PlayDaily,
  PlayEvent,
  Song,
  type SongDoc,
  seedSkeleton,
  syncIndexes,
  User,
} from '@tonearm/db';
import { cachedTrack, S3Storage } from '@tonearm/media';
import { producerConnection, QUEUE_PREFIX, Queues } from '@tonearm/queue';
import {
  groupRssMb,
  kill,
  type Proc,
  type ServiceName,
  services,
  sleep,
  startServer,
  startWorker,
} from './drill/cluster';
import { load1, print, runLoad } from './drill/load';
import { clusterRunning, killNode, masterOf, roleOf, waitPromotion } from './drill/redis-cluster';

type Drill = { name: string; title: string; run(): Promise<void> };

await connectDb();
await syncIndexes();
await seedSkeleton();
const songs = await Song.find().select({ _id: 1 }).limit(12).lean();
const songIds = songs.map((s) => String(s._id));
const byId = (i: number) =>
  `/trpc/song.byId?input=${encodeURIComponent(JSON.stringify({ id: songIds[i % songIds.length] }))}`;

// A listener reporting plays (sessions live in Redis, which keeps them across its restart: AOF).
const rawRedis = createRedis({ maxRetriesPerRequest: 1, enableOfflineQueue: true, commandTimeout: 5_000 });
rawRedis.on('error', () => {});
const queues = new Queues(producerConnection());
queues.connection.on('error', () => {});
const storage = new S3Storage();
const user = await User.findOneAndUpdate(
  { email: 'drill@example.test' },
  { $setOnInsert: { email: 'drill@example.test', handle: 'drill', displayName: 'Drill', passwordHash: 'x' } },
  { upsert: true, returnDocument: 'after' },
);
const cookie = `${SESSION_COOKIE}=${await createSession(rawRedis, { userId: String(user._id), role: 'user' }, 24 * 3600)}`;

/** Play reports of one drill: what was sent and what the API accepted (2xx). */
class Plays {
  readonly sent = new Map<number, { eventId: string; songId: string; body: string }>();
  readonly startedAt = new Date();
  request(i: number) {
    const eventId = randomUUID();
    const songId = songIds[i % songIds.length]!;
    const body = JSON.stringify({
      eventId,
      songId,
      startedAt: new Date().toISOString(),
      playedSec: 30,
      completed: true,
    });
    this.sent.set(i, { eventId, songId, body });
    return { path: '/trpc/play.report', init: this.init(body), kind: 'play' };
  }
  init(body: string): RequestInit {
    return { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body };
  }
  /**
   * A player retries a report that failed (same eventId) once the service is back; then waits for the
   * stats queue to drain and checks every accepted play was counted exactly once.
   */
  async verify(r: { samples: { i: number; status: number; kind: string }[] }, urls: string[]) {
    const accepted = new Set<string>();
    const failed: { eventId: string; body: string }[] = [];
    for (const s of r.samples) {
      if (s.kind !== 'play') continue;
      const p = this.sent.get(s.i)!;
      if (s.status >= 200 && s.status < 300) accepted.add(p.eventId);
      else failed.push(p);
    }
    let retriedOk = 0;
    for (const [k, p] of failed.entries()) {
      const res = await fetch(`${urls[k % urls.length]}/trpc/play.report`, this.init(p.body)).catch(
        () => null,
      );
      if (res?.ok) {
        retriedOk++;
        accepted.add(p.eventId);
      }
    }
    const drainMs = await drainStats();
    const ids = [...this.sent.values()].map((p) => p.eventId);
    const events = await PlayEvent.find({ eventId: mongoose.trusted({ $in: ids }) as unknown as string })
      .select({ eventId: 1, countedAt: 1 })
      .lean();
    const counted = new Set(events.filter((e) => e.countedAt).map((e) => e.eventId));
    const lostAccepted = [...accepted].filter((id) => !counted.has(id)).length;
    const day = this.startedAt.toISOString().slice(0, 10);
    return {
      plays: {
        reported: this.sent.size,
        accepted: accepted.size,
        'accepted after one client retry': retriedOk,
        stored: events.length,
        counted: counted.size,
        'accepted but not counted': lostAccepted,
        'stats queue drained in ms': drainMs,
      },
      // Exactly once: the counters grew by the number of events claimed as counted, no more, no less.
      counters: await countersDelta(day, counted.size),
    };
  }
}

let baseline: { songPlays: number; dailyPlays: number } | undefined;
async function counterTotals(day: string) {
  const [s] = await Song.aggregate<{ n: number }>([{ $group: { _id: null, n: { $sum: '$playCount' } } }]);
  const [d] = await PlayDaily.aggregate<{ n: number }>([
    { $match: { kind: 'song', day } },
    { $group: { _id: null, n: { $sum: '$plays' } } },
  ]);
  return { songPlays: s?.n ?? 0, dailyPlays: d?.n ?? 0 };
}
async function snapshotCounters() {
  await drainStats(); // what earlier drills left is counted before the baseline
  baseline = await counterTotals(new Date().toISOString().slice(0, 10));
}
async function countersDelta(day: string, counted: number) {
  const now = await counterTotals(day);
  const song = now.songPlays - (baseline?.songPlays ?? 0);
  const daily = now.dailyPlays - (baseline?.dailyPlays ?? 0);
  return `Song.playCount +${song}, PlayDaily(song) +${daily} for ${counted} counted events: ${song === counted && daily === counted ? 'exactly once' : 'MISMATCH'}`;
}

/** Waits until the stats queue has nothing waiting, active or delayed; returns the time it took. */
async function drainStats(timeoutMs = 180_000): Promise<number> {
  const t = performance.now();
  for (;;) {
    const c = await queues
      .get('stats')
      .getJobCounts('waiting', 'active', 'delayed', 'prioritized')
      .catch(() => null);
    if (c && Object.values(c).every((n) => n === 0)) return Math.round(performance.now() - t);
    if (performance.now() - t > timeoutMs) return Number.POSITIVE_INFINITY;
    await sleep(250);
  }
}

async function restart(
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

/** A mixed load: three cached song reads for each play report. */
function mixed(plays: Plays) {
  return (i: number) => (i % 4 === 3 ? plays.request(i) : { path: byId(i), kind: 'song.byId' });
}

async function trpc<T>(base: string, path: string, input: unknown): Promise<T> {
  const res = await fetch(`${base}/trpc/${path}`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  const json = (await res.json()) as { result?: { data: T }; error?: unknown };
  if (!res.ok || !json.result) throw new Error(`${path}: ${res.status} ${JSON.stringify(json.error)}`);
  return json.result.data;
}

/** upload.create → PUT to S3 → upload.finalize (which enqueues the transcode). */
async function upload(base: string, seconds: number, title: string): Promise<string> {
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

async function waitSong(songId: string, pred: (s: SongDoc) => boolean, timeoutMs = 300_000, everyMs = 200) {
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
const settled = (s: SongDoc) => s.media?.status === 'ready' || s.media?.status === 'failed';

/** Final state of a transcoded song: status, reason, and the ladders in S3 (only the published one). */
async function songOutcome(songId: string) {
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

const cluster: { a?: Proc; b?: Proc; w?: Proc } = {};
/** Every process a drill starts, stopped at the end whatever happened. */
const started: Proc[] = [];
const track = (p: Proc) => {
  started.push(p);
  return p;
};
async function ensureCluster() {
  cluster.a ??= track(await startServer('server-a'));
  cluster.b ??= track(await startServer('server-b'));
  cluster.w ??= track(await startWorker('worker-1'));
  return { a: cluster.a, b: cluster.b, w: cluster.w, urls: () => [cluster.a!.url!, cluster.b!.url!] };
}

const drills: Drill[] = [
  {
    name: 'server',
    title: 'kill -9 one of two servers',
    async run() {
      const c = await ensureCluster();
      const a = c.a;
      const at = { faultAt: 1_000 };
      const plays = new Plays();
      await snapshotCounters();
      setTimeout(() => void kill(a, 'SIGKILL'), at.faultAt);
      const r = await runLoad({ targets: c.urls, request: mixed(plays), rate: 200, total: 1_000 });
      const verified = await plays.verify(r, [c.b.url!]);
      // Bring the cluster back to two servers for the next drills (same port).
      cluster.a = track(await startServer('server-a', a.port));
      print(this.title, r, at, verified);
    },
  },
  {
    name: 'redis',
    title: 'restart Redis (stop, 5 s down, start on the same port)',
    async run() {
      const c = await ensureCluster();
      const plays = new Plays();
      await snapshotCounters();
      const at: { faultAt: number; restoredAt?: number } = { faultAt: 0 };
      let done: Promise<void> = Promise.resolve();
      const r = await runLoad({
        targets: c.urls,
        request: mixed(plays),
        rate: 150,
        total: 2_250,
        onStart: (t0) => {
          done = sleep(2_000).then(() => restart('redis', 5_000, at, t0));
        },
      });
      await done;
      print(this.title, r, at, {
        ...(await plays.verify(r, c.urls())),
        'processes restarted by hand': 'none',
        'worker ready after': await readyz(c.w),
      });
    },
  },
  {
    name: 'mongo',
    title: 'restart MongoDB (stand-in, H2 file; stop, 5 s down, start on the same port)',
    async run() {
      const c = await ensureCluster();
      const plays = new Plays();
      await snapshotCounters();
      const before = await docCounts();
      const at: { faultAt: number; restoredAt?: number } = { faultAt: 0 };
      let done: Promise<void> = Promise.resolve();
      const r = await runLoad({
        targets: c.urls,
        request: mixed(plays),
        rate: 150,
        total: 2_250,
        onStart: (t0) => {
          done = sleep(2_000).then(() => restart('mongo', 5_000, at, t0));
        },
      });
      await done;
      const verified = await plays.verify(r, c.urls());
      const after = await docCounts();
      print(this.title, r, at, {
        ...verified,
        'documents before → after (users, songs, play events)': `${before.join('/')} → ${after.join('/')}`,
        'processes restarted by hand': 'none',
        'worker ready after': await readyz(c.w),
      });
    },
  },
  {
    name: 's3',
    title: 'stop S3 (versitygw) for 20 s during a transcode, under reads, play reports and media edge GETs',
    async run() {
      const c = await ensureCluster();
      // A published song to stream through the media edge (signed like CloudFront) during the outage.
      const streamed = await upload(c.a.url!, 10, 'Drill streamed');
      await waitSong(streamed, settled);
      const grant = await trpc<{ masterUrl: string; signedQuery: string }>(c.a.url!, 'playback.start', {
        songId: streamed,
      });
      const edgePath = `${new URL(grant.masterUrl).pathname}?${grant.signedQuery}`;
      const plays = new Plays();
      await snapshotCounters();
      const songId = await upload(c.a.url!, 60, 'Drill S3 outage');
      // Mid-encode: the outage then covers the upload of the ladder and the retries after it.
      await waitSong(
        songId,
        (s) => s.media?.status === 'transcoding' && (s.media.progress ?? 0) >= 0.4,
        180_000,
      );
      const at: { faultAt: number; restoredAt?: number } = { faultAt: 0 };
      let done: Promise<void> = Promise.resolve();
      const r = await runLoad({
        targets: c.urls,
        request: (i) =>
          i % 4 === 3
            ? plays.request(i)
            : i % 4 === 2
              ? { path: edgePath, kind: 'edge' }
              : { path: byId(i), kind: 'song.byId' },
        rate: 100,
        total: 3_000,
        onStart: (t0) => {
          done = restart('s3', 20_000, at, t0);
        },
      });
      await done;
      await waitSong(songId, settled);
      print(this.title, r, at, {
        transcode: await songOutcome(songId),
        ...(await plays.verify(r, c.urls())),
      });
    },
  },
  {
    name: 's3-long',
    title: 'stop S3 (versitygw) for 110 s while a transcode uploads its ladder (longer than its retries)',
    async run() {
      const c = await ensureCluster();
      const songId = await upload(c.a.url!, 120, 'Drill long S3 outage');
      // The upload phase (progress 0.85–0.95): part of the ladder is in S3 when it goes away.
      await waitSong(songId, (s) => (s.media?.progress ?? 0) > 0.85 || settled(s), 300_000, 50);
      const before = await storage.list(`songs/${songId}/hls/`);
      const at: { faultAt: number; restoredAt?: number } = { faultAt: 0 };
      let done: Promise<void> = Promise.resolve();
      const r = await runLoad({
        targets: c.urls,
        request: (i) => ({ path: byId(i), kind: 'song.byId' }),
        rate: 50,
        total: 6_000,
        onStart: (t0) => {
          done = restart('s3', 110_000, at, t0);
        },
      });
      await done;
      const song = await waitSong(songId, settled);
      // transcode.failed retries its cleanup until S3 answers: give it its next backoff steps.
      const until = Date.now() + 180_000;
      while (
        Date.now() < until &&
        (await storage.listPrefixes(`songs/${songId}/hls/`)).length > (song.media?.status === 'ready' ? 1 : 0)
      )
        await sleep(1_000);
      print(this.title, r, at, {
        'ladder objects in S3 when it stopped': before.length,
        transcode: await songOutcome(songId),
      });
    },
  },
  {
    name: 'worker',
    title: 'kill -9 the worker mid-transcode and mid-counting, start a new one',
    async run() {
      const c = await ensureCluster();
      const plays = new Plays();
      await snapshotCounters();
      const songId = await upload(c.a.url!, 60, 'Drill worker kill');
      await waitSong(
        songId,
        (s) => s.media?.status === 'transcoding' && (s.media.progress ?? 0) >= 0.1,
        120_000,
      );
      const at: { faultAt: number; restoredAt?: number } = { faultAt: 0 };
      let done: Promise<void> = Promise.resolve();
      const r = await runLoad({
        targets: c.urls,
        request: (i) => (i % 2 ? plays.request(i) : { path: byId(i), kind: 'song.byId' }),
        rate: 150,
        total: 1_500,
        onStart: (t0) => {
          done = sleep(3_000).then(async () => {
            await kill(c.w, 'SIGKILL');
            at.faultAt = performance.now() - t0;
            cluster.w = track(await startWorker('worker-2'));
            at.restoredAt = performance.now() - t0;
          });
        },
      });
      await done;
      const t = performance.now();
      const song = await waitSong(songId, settled);
      print(this.title, r, at, {
        transcode: {
          ...(await songOutcome(songId)),
          'settled after the kill in ms': Math.round(
            performance.now() - t + (r.samples.at(-1)?.t ?? 0) - at.faultAt,
          ),
        },
        ...(await plays.verify(r, c.urls())),
        note:
          song.media?.status === 'ready' ? 'the new worker took the stalled job once its lock lapsed' : '',
      });
    },
  },
  {
    name: 'queue',
    title: 'fill the stats queue faster than the worker drains it (play.report at 200/s for 20 s)',
    async run() {
      const c = await ensureCluster();
      const plays = new Plays();
      await snapshotCounters();
      const peak = { waiting: 0, redisMb: 0, workerRssMb: 0 };
      const redisBefore = await redisMb();
      const sampler = setInterval(async () => {
        const n = await queues
          .get('stats')
          .getWaitingCount()
          .catch(() => 0);
        peak.waiting = Math.max(peak.waiting, n);
        peak.redisMb = Math.max(peak.redisMb, await redisMb());
        peak.workerRssMb = Math.max(peak.workerRssMb, groupRssMb(cluster.w!));
      }, 250);
      const r = await runLoad({ targets: c.urls, request: (i) => plays.request(i), rate: 200, total: 4_000 });
      const verified = await plays.verify(r, c.urls());
      clearInterval(sampler);
      print(
        this.title,
        r,
        { faultAt: 0 },
        {
          ...verified,
          'peak stats queue waiting': peak.waiting,
          'Redis used memory MB (before → peak)': `${redisBefore} → ${peak.redisMb}`,
          'worker RSS MB (peak, incl. children)': peak.workerRssMb,
        },
      );
    },
  },
  {
    name: 'redis-master',
    title: 'kill -9 the Redis Cluster master of the BullMQ slot (replica promoted, no restart)',
    async run() {
      if (!clusterRunning())
        throw new Error('no Redis Cluster: run TONEARM_REDIS_CLUSTER=1 pnpm drill redis-master');
      const c = await ensureCluster();
      // The master holding every BullMQ key ({bull}): its loss stalls the play-count jobs too.
      const victim = masterOf(QUEUE_PREFIX);
      if (!victim) throw new Error(`no master serves ${QUEUE_PREFIX}`);
      const plays = new Plays();
      await snapshotCounters();
      const at: { faultAt: number; restoredAt?: number } = { faultAt: 0 };
      let promoted: Promise<{ master: string | null; ms: number }> = Promise.resolve({ master: null, ms: 0 });
      const r = await runLoad({
        targets: c.urls,
        request: mixed(plays),
        rate: 150,
        total: 2_250,
        onStart: (t0) => {
          promoted = sleep(3_000).then(() => {
            killNode(victim);
            at.faultAt = performance.now() - t0;
            return waitPromotion(QUEUE_PREFIX, victim).then((p) => {
              at.restoredAt = performance.now() - t0;
              return p;
            });
          });
        },
      });
      const p = await promoted;
      // Every sample, for a timeline of what failed when (.data/drill/redis-master-samples.json).
      writeFileSync(
        join(repoRoot(), '.data', 'drill', 'redis-master-samples.json'),
        JSON.stringify({ at, samples: r.samples.map(({ body: _b, ...x }) => x) }),
      );
      const verified = await plays.verify(r, c.urls());
      // The killed node comes back (same port, its nodes.conf) and rejoins as a replica.
      services('start', victim);
      await sleep(3_000);
      print(this.title, r, at, {
        'killed master': victim,
        'replica promoted': `${p.master} after ${p.ms} ms`,
        ...verified,
        'old master back as': roleOf(victim),
        'processes restarted by hand': 'none',
        'worker ready after': await readyz(c.w),
      });
    },
  },
];

async function docCounts() {
  return Promise.all([
    User.estimatedDocumentCount(),
    Song.estimatedDocumentCount(),
    PlayEvent.estimatedDocumentCount(),
  ]);
}
async function redisMb() {
  const info = await rawRedis.info('memory').catch(() => '');
  return Math.round(Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0) / 1e5) / 10;
}
async function readyz(p: Proc) {
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

const only = process.argv.slice(2);
const unknown = only.filter((n) => !drills.some((d) => d.name === n));
if (unknown.length) {
  console.error(`unknown drill(s) ${unknown.join(', ')}; known: ${drills.map((d) => d.name).join(', ')}`);
  process.exit(2);
}
console.log(`[drill] services under .data/drill; load average (1 min) ${load1()} at start`);
let failed = false;
for (const d of drills) {
  if (only.length && !only.includes(d.name)) continue;
  // Without names, the Cluster drill runs only when the drill's services include a Cluster.
  if (!only.length && d.name === 'redis-master' && !clusterRunning()) continue;
  try {
    await d.run();
  } catch (e) {
    failed = true;
    console.log(`[drill] ${d.title}: DRILL ERROR ${(e as Error).stack}`);
  }
}
for (const p of started) await kill(p, 'SIGTERM');
await queues.close().catch(() => {});
rawRedis.disconnect();
await disconnectDb();
// The drill's services keep their data (AOF, H2 file) for the next run; stop them: the box is shared.
services('down');
process.exit(failed ? 1 : 0);
