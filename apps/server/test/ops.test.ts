// Operations artefacts: promtool accepts the committed Prometheus config and alert rules, and every
// metric the Grafana dashboard and the alerts query exists on the /metrics of a real server and a
// real worker process after exercising them (API calls, an error, a 429, a counted play).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { signedInUser } from '@tonearm/api/testing';
import { createRedis, whenReady } from '@tonearm/cache';
import { env } from '@tonearm/config';
import { Album, Artist, Song, Types } from '@tonearm/db';
import { Jobs, Queues, workerConnection } from '@tonearm/queue';
import { awayFromWindowEdge, startTestServices, type TestServices, uid } from '@tonearm/testing';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILE_QUEUE_PREFIX, type ServerProcess, spawnServer, spawnWorker } from './helpers/spawn-server';

const root = join(import.meta.dirname, '..', '..', '..');
const s3 = new S3Client({
  region: env().S3_REGION,
  endpoint: env().S3_ENDPOINT,
  forcePathStyle: true,
  credentials: { accessKeyId: env().S3_ACCESS_KEY_ID!, secretAccessKey: env().S3_SECRET_ACCESS_KEY! },
});
const ops = (p: string) => join(root, 'ops', p);

describe('promtool', () => {
  it('accepts the scrape config', () => {
    const out = execFileSync('promtool', ['check', 'config', ops('prometheus/prometheus.yml')], {
      encoding: 'utf8',
    });
    expect(out).toContain('is valid prometheus config file syntax');
  });
  it('accepts the alert rules', () => {
    const out = execFileSync('promtool', ['check', 'rules', ops('prometheus/alerts.yml')], {
      encoding: 'utf8',
    });
    expect(out).toMatch(/SUCCESS: \d+ rules found/);
  });
});

/** Metric names referenced by PromQL expressions (tonearm_*; Prometheus' own `up` excluded). */
function metricNames(exprs: string[]): string[] {
  const names = new Set<string>();
  for (const e of exprs) for (const m of e.matchAll(/\b(tonearm_[a-z0-9_]+)\b/g)) names.add(m[1]!);
  return [...names].sort();
}

/** Sample names present in a Prometheus text exposition. */
function samples(text: string): Set<string> {
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    out.add(line.split(/[{ ]/)[0]!);
  }
  return out;
}

describe('dashboard and alert metrics exist on /metrics', () => {
  let svc: TestServices;
  let server: ServerProcess;
  let worker: ServerProcess;

  beforeAll(async () => {
    svc = await startTestServices();
    const env = {
      MONGODB_URI: svc.mongoUri,
      TRUST_PROXY: '1',
      RATE_LIMITS: JSON.stringify({ anonymous: { limit: 3 } }),
      REDIS_COMMAND_TIMEOUT_MS: '5000',
    };
    [server, worker] = await Promise.all([spawnServer(env), spawnWorker(env)]);
  }, 90_000);
  afterAll(async () => {
    await Promise.all([server?.stop(), worker?.stop()]);
    await svc?.close();
  });

  it('after exercising the server and the worker', async () => {
    const artist = await Artist.create({ name: `A ${uid()}` });
    const song = await Song.create({
      title: 'S',
      artistId: artist._id,
      artistName: artist.name,
      durationSec: 120,
    });
    // The server process reads sessions without the test's key prefix.
    const plain = createRedis();
    await whenReady(plain);
    const { cookie } = await signedInUser(plain);
    plain.disconnect();
    const q = (path: string, input: unknown, headers: Record<string, string> = {}) =>
      fetch(`${server.url}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers });
    const ip = () => `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

    expect((await q('song.top', { limit: 2 }, { 'x-forwarded-for': ip() })).status).toBe(200);
    expect((await q('song.top', { limit: 2 }, { 'x-forwarded-for': ip() })).status).toBe(200);
    expect((await q('song.byId', { id: 'bad' }, { 'x-forwarded-for': ip() })).status).toBe(400);
    const limitedIp = ip();
    await awayFromWindowEdge();
    const statuses = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await q('song.top', { limit: 1 }, { 'x-forwarded-for': limitedIp })).status);
    expect(statuses.filter((s) => s === 429)).toHaveLength(2);
    const report = await fetch(`${server.url}/trpc/play.report`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({
        eventId: `e${uid(8)}`,
        songId: String(song._id),
        startedAt: new Date().toISOString(),
        playedSec: 60,
      }),
    });
    expect(report.status).toBe(200);
    // The worker process counts the play.
    for (let i = 0; i < 200 && (await Song.findById(song._id).lean())?.playCount !== 1; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await Song.findById(song._id).lean())?.playCount).toBe(1);

    // The job's completion is recorded just after its database writes: poll the worker briefly.
    let workerMetrics = '';
    // (Wait for the stats job's own line: the scheduled recommendations job may have completed first.)
    for (
      let i = 0;
      i < 100 && !workerMetrics.includes('tonearm_jobs_total{queue="stats",status="completed"');
      i++
    ) {
      if (i) await new Promise((r) => setTimeout(r, 50));
      workerMetrics = await fetch(`${worker.url}/metrics`).then((r) => r.text());
    }
    const serverMetrics = await fetch(`${server.url}/metrics`).then((r) => r.text());
    const present = new Set([...samples(serverMetrics), ...samples(workerMetrics)]);

    const dashboard = JSON.parse(readFileSync(ops('grafana/dashboards/tonearm.json'), 'utf8')) as {
      panels: Array<{ targets: Array<{ expr: string }> }>;
    };
    const dashboardExprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));
    const alertExprs = [
      ...readFileSync(ops('prometheus/alerts.yml'), 'utf8').matchAll(/tonearm_[a-z0-9_]+/g),
    ].map((m) => m[0]);
    const wanted = metricNames([...dashboardExprs, ...alertExprs]);
    expect(wanted.length).toBeGreaterThan(10);
    const missing = wanted.filter((n) => !present.has(n));
    expect(missing).toEqual([]);

    // Spot checks on values: the play was counted once, the worker reports job durations and depth.
    expect(workerMetrics).toMatch(
      /tonearm_jobs_total\{queue="stats",status="completed",service="worker"\} 1/,
    );
    expect(workerMetrics).toMatch(
      /tonearm_queue_jobs\{queue="stats",state="completed",service="worker"\} \d+/,
    );
    // The first over-limit call went to Redis; the next was answered from the blocked-caller cache.
    expect(serverMetrics).toMatch(
      /tonearm_ratelimit_decisions_total\{scope="anonymous",result="blocked",service="server"\} 1\n/,
    );
    expect(serverMetrics).toMatch(
      /tonearm_ratelimit_decisions_total\{scope="anonymous",result="blocked_cached",service="server"\} 1\n/,
    );
    // Cluster-wide from Redis (other test runs in the last minute may add to it).
    expect(
      Number(/tonearm_listeners_streaming\{service="server"\} (\d+)/.exec(serverMetrics)?.[1]),
    ).toBeGreaterThanOrEqual(1);
  }, 120_000);

  it('the worker process lets a running job finish on SIGTERM, then exits 0', async () => {
    // A cover job (several sharp encodes: long enough to be mid-flight when the signal lands).
    await s3.send(new CreateBucketCommand({ Bucket: env().S3_BUCKET })).catch(() => {});
    const sourceKey = `uploads/covers/${uid()}.png`;
    const png = await sharp({ create: { width: 2000, height: 2000, channels: 3, background: '#39c' } })
      .png()
      .toBuffer();
    await s3.send(new PutObjectCommand({ Bucket: env().S3_BUCKET, Key: sourceKey, Body: png }));
    const album = await Album.create({ title: 'T', artistId: new Types.ObjectId(), artistName: 'X' });
    const queues = new Queues(workerConnection(), { prefix: FILE_QUEUE_PREFIX });
    const job = await queues.enqueue(
      Jobs.processCover,
      { kind: 'album', id: String(album._id), sourceKey },
      { jobId: `cover-album-${album._id}` },
    );
    for (let i = 0; i < 200 && !(await job.isActive()); i++) await new Promise((r) => setTimeout(r, 25));
    expect(await job.isActive()).toBe(true);
    expect(await worker.stop()).toBe(0);
    expect(worker.logs.some((l) => l.message === 'workers drained')).toBe(true);
    expect(await (await queues.get('covers').getJob(String(job.id)))?.isCompleted()).toBe(true);
    expect((await Album.findById(album._id).lean())?.coverKey).toMatch(/^covers\/album\//);
    await queues.close();
  }, 60_000);
});
