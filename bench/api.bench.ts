// The API over HTTP, server and load generator on separate cores (taskset), load at a FIXED ARRIVAL
// RATE (open loop: requests leave on schedule whether or not earlier ones returned, and latency is
// measured from the scheduled time, so a stall is not hidden by coordinated omission).
// Rows: cached song.byId at 200 and 1,000 req/s vs a bare node:http handler doing the same Redis GET;
// saturation throughput ratio (closed loop, 64 connections); uncached song.byId vs the native
// driver's findOne; httpBatchLink with 5 queries vs 5 separate requests.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import type { AppRouter } from '@tonearm/api';
import { createRedis, whenReady } from '@tonearm/cache';
import { env } from '@tonearm/config';
import { Album, Artist, connectDb, disconnectDb, Song } from '@tonearm/db';
import { createTRPCClient, httpBatchLink, httpLink } from '@trpc/client';
import { type Harness, stats } from './harness';

const SONGS = 12_000;
const DB = 'tonearm_bench_api';

function withDb(uri: string, db: string) {
  const u = new URL(uri);
  u.pathname = `/${db}`;
  return u.toString();
}

async function startChild(mode: string, mongoUri: string): Promise<{ proc: ChildProcess; port: number }> {
  const root = join(import.meta.dirname, '..');
  const proc = spawn(
    'taskset',
    ['-c', '1', process.execPath, '--import', 'tsx', join(root, 'bench', 'api-servers.ts'), mode],
    {
      cwd: root,
      env: { ...process.env, MONGODB_URI: mongoUri, LOG_LEVEL: 'silent', NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    const rl = createInterface({ input: proc.stdout! });
    rl.on('line', (l) => {
      const m = /^READY (\d+)/.exec(l);
      if (m) resolve(Number(m[1]));
    });
    proc.once('exit', (c) => reject(new Error(`${mode} server exited ${c}`)));
  });
  return { proc, port };
}

const agent = new Agent({ keepAlive: true, maxSockets: 512 });

function get(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.on('data', () => {});
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Open loop: `rate` req/s for `seconds`; each latency counted from its scheduled start. */
async function openLoop(rate: number, seconds: number, send: (i: number) => Promise<number>) {
  const total = Math.round(rate * seconds);
  const lat: number[] = [];
  let errors = 0;
  const t0 = performance.now() + 5;
  const inflight: Promise<void>[] = [];
  let i = 0;
  while (i < total) {
    const now = performance.now();
    while (i < total && t0 + (i * 1000) / rate <= now) {
      const scheduled = t0 + (i * 1000) / rate;
      inflight.push(
        send(i).then(
          (status) => {
            if (status !== 200) errors++;
            lat.push(performance.now() - scheduled);
          },
          () => void errors++,
        ),
      );
      i++;
    }
    await new Promise((r) => setImmediate(r));
  }
  await Promise.all(inflight);
  const elapsed = (performance.now() - t0) / 1000;
  return { stats: stats(lat), errors, achieved: total / elapsed };
}

/** Closed loop with `conns` concurrent requesters: requests completed per second. */
async function saturate(seconds: number, conns: number, send: (i: number) => Promise<number>) {
  const end = performance.now() + seconds * 1000;
  let done = 0;
  let n = 0;
  await Promise.all(
    Array.from({ length: conns }, async () => {
      while (performance.now() < end) {
        await send(n++);
        done++;
      }
    }),
  );
  return done / seconds;
}

const byIdPath = (id: string) => `/trpc/song.byId?input=${encodeURIComponent(JSON.stringify({ id }))}`;

export default async function (h: Harness) {
  // Load generator on core 0 (all of this process's threads), servers on core 1.
  execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
  const mongoUri = withDb(env().MONGODB_URI, DB);
  await connectDb(mongoUri);
  if ((await Song.estimatedDocumentCount()) < SONGS) {
    await Song.deleteMany({});
    const artist = await Artist.create({ name: 'Bench Artist' });
    const album = await Album.create({ title: 'Bench Album', artistId: artist._id, artistName: artist.name });
    for (let k = 0; k < SONGS; k += 2000)
      await Song.insertMany(
        Array.from({ length: 2000 }, (_, j) => ({
          title: `Song ${k + j}`,
          artistId: artist._id,
          artistName: artist.name,
          albumId: album._id,
          albumTitle: album.title,
          trackNumber: ((k + j) % 999) + 1,
          durationSec: 200,
        })),
        { lean: true },
      );
  }
  const ids = (await Song.find({}, { _id: 1 }).sort({ _id: 1 }).lean()).map((d) => String(d._id));
  await disconnectDb();

  const api = await startChild('tonearm', mongoUri);
  const bare = await startChild('baseline', mongoUri);
  try {
    // Forget any cached songs of earlier runs, so the uncached rows really miss.
    const redis = createRedis({ keyPrefix: 'bench:' });
    await whenReady(redis);
    const stale = await redis.keys('bench:c:*');
    if (stale.length) await redis.del(...stale.map((k) => k.slice('bench:'.length)));

    const hot = ids.slice(0, 100);
    for (const id of hot) await get(api.port, byIdPath(id)); // fill the cache
    const tonearmCached = (i: number) => get(api.port, byIdPath(hot[i % hot.length]!));
    const bareCached = (i: number) => get(bare.port, `/get?id=${hot[i % hot.length]}`);
    // Warm both processes (JIT) before measuring.
    await openLoop(500, 2, tonearmCached);
    await openLoop(500, 2, bareCached);

    for (const rate of [200, 1000]) {
      const seconds = rate === 200 ? 10 : 6;
      const b = await openLoop(rate, seconds, bareCached);
      const t = await openLoop(rate, seconds, tonearmCached);
      h.record({
        name: `cached song.byId over HTTP at ${rate} req/s (open loop) vs bare node:http + same Redis GET`,
        target: t.stats,
        baseline: b.stats,
        figures: {
          'achieved req/s': Math.round(t.achieved),
          errors: t.errors + b.errors,
          'target p50 ≤1.5x': t.stats.p50 / b.stats.p50 <= 1.5 ? 'met' : 'missed',
          'target p99 ≤2x': t.stats.p99 / b.stats.p99 <= 2 ? 'met' : 'missed',
        },
      });
    }

    const bareRps = await saturate(5, 64, bareCached);
    const apiRps = await saturate(5, 64, tonearmCached);
    h.record({
      name: 'saturation throughput, cached song.byId (closed loop, 64 connections)',
      figures: {
        'tonearm req/s': Math.round(apiRps),
        'bare req/s': Math.round(bareRps),
        ratio: apiRps / bareRps,
        'target ≥0.3x': apiRps / bareRps >= 0.3 ? 'met' : 'missed',
      },
    });

    // Uncached: every request names a song nobody read yet (a real miss: Redis, then MongoDB).
    const cold = ids.slice(1000);
    const half = Math.floor(cold.length / 2);
    const rate = 200;
    const seconds = Math.min(10, Math.floor(half / rate));
    const b = await openLoop(rate, seconds, (i) => get(bare.port, `/find?id=${cold[half + i]}`));
    const t = await openLoop(rate, seconds, (i) => get(api.port, byIdPath(cold[i]!)));
    h.record({
      name: `uncached song.byId (cache miss → MongoDB) at ${rate} req/s vs native driver findOne`,
      target: t.stats,
      baseline: b.stats,
      figures: { errors: t.errors + b.errors },
    });

    // Batching: 5 queries in one HTTP request vs 5 separate requests (sent together), wall time.
    const url = `http://127.0.0.1:${api.port}/trpc`;
    const batched = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url })] });
    const separate = createTRPCClient<AppRouter>({ links: [httpLink({ url })] });
    const five = hot.slice(0, 5);
    const row = await h.compare(
      'httpBatchLink 5 × song.byId (one request) vs 5 separate requests in parallel, wall time',
      () => Promise.all(five.map((id) => batched.song.byId.query({ id }))),
      () => Promise.all(five.map((id) => separate.song.byId.query({ id }))),
      { iterations: 1500, warmup: 200, note: 'target ≤0.5x' },
    );
    void row;
    await h.compare(
      'httpBatchLink 5 × song.byId vs 5 sequential requests, wall time',
      () => Promise.all(five.map((id) => batched.song.byId.query({ id }))),
      async () => {
        for (const id of five) await separate.song.byId.query({ id });
      },
      { iterations: 1000, warmup: 100 },
    );
    redis.disconnect();
  } finally {
    api.proc.kill('SIGTERM');
    bare.proc.kill('SIGTERM');
    agent.destroy();
  }
}
