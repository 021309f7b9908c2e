// play.report over HTTP: stores the event idempotently by eventId and only enqueues (the stats job
// counts); the admin queue procedures; one ECS log line per call with request id, user id,
// procedure and duration, and no secrets.
import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import type { AppRouter } from '@tonearm/api';
import { signedInUser } from '@tonearm/api/testing';
import { Artist, PlayEvent, Song } from '@tonearm/db';
import { createLogger } from '@tonearm/observability';
import { Queues, workerConnection } from '@tonearm/queue';
import { startTestServices, type TestServices, uid } from '@tonearm/testing';
import { createTRPCClient, httpLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueDashboardRoute } from '../src/admin-queues';
import { createApplication } from '../src/app';

let svc: TestServices;
let server: Server;
let url: string;
let queues: Queues;
const lines: Array<Record<string, unknown>> = [];
const raw: string[] = [];

beforeAll(async () => {
  svc = await startTestServices();
  queues = new Queues(workerConnection(), { prefix: `bull-t${uid(4)}` });
  const log = createLogger(
    'test-server',
    'info',
    new Writable({
      write(chunk, _e, cb) {
        for (const l of String(chunk).split('\n').filter(Boolean)) {
          raw.push(l);
          lines.push(JSON.parse(l) as Record<string, unknown>);
        }
        cb();
      },
    }),
  );
  server = createServer();
  const deps = { cache: svc.cache, redis: svc.redis, log, queues };
  createApplication(server, deps, { routes: [queueDashboardRoute(deps)] });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});
afterAll(async () => {
  server?.close();
  await queues?.close();
  await svc?.close();
});

async function signIn(role: 'user' | 'admin' = 'user') {
  const user = await signedInUser(svc.redis, { role });
  const { sessionId: sid, cookie } = user;
  const client = createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${url}/trpc`, headers: { cookie } })],
  });
  return { user, sid, cookie, client };
}

async function seedSong() {
  const artist = await Artist.create({ name: `A ${uid()}` });
  return Song.create({ title: 'S', artistId: artist._id, artistName: artist.name, durationSec: 200 });
}

describe('play.report', () => {
  it('stores a play once per eventId and enqueues one stats job', async () => {
    const { user, client } = await signIn();
    const song = await seedSong();
    const input = {
      eventId: `e${uid(8)}`,
      songId: String(song._id),
      startedAt: new Date(Date.now() - 200_000),
      playedSec: 190,
      completed: true,
    };
    expect(await client.play.report.mutate(input)).toEqual({ eventId: input.eventId, isDuplicate: false });
    expect(await client.play.report.mutate(input)).toEqual({ eventId: input.eventId, isDuplicate: true });
    const events = await PlayEvent.find({ eventId: input.eventId }).lean();
    expect(events).toHaveLength(1);
    expect(String(events[0]!.userId)).toBe(user.id);
    expect(events[0]!.countedAt).toBeNull();
    // One job per (listener, eventId), carrying the event's whole unique key (the shard key's fields).
    const job = await queues.get('stats').getJob(`play-${user.id}-${input.eventId}`);
    expect(job?.data).toEqual({
      eventId: input.eventId,
      userId: user.id,
      startedAt: input.startedAt.toISOString(),
    });
    expect(await queues.get('stats').getJobCounts('waiting')).toEqual({ waiting: 1 });
    // The request path counted nothing itself.
    expect((await Song.findById(song._id).lean())?.playCount).toBe(0);
  });

  it('refuses anonymous callers; the same eventId from another listener is that listener’s own play', async () => {
    const anon = createTRPCClient<AppRouter>({ links: [httpLink({ url: `${url}/trpc` })] });
    const song = await seedSong();
    const input = { eventId: `e${uid(8)}`, songId: String(song._id), startedAt: new Date(), playedSec: 10 };
    await expect(anon.play.report.mutate(input)).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' } });
    const a = await signIn();
    const b = await signIn();
    // The unique key is { userId, startedAt, eventId }: B's player picking A's eventId neither
    // collides with A's play nor is swallowed as a duplicate of it.
    expect(await a.client.play.report.mutate(input)).toMatchObject({ isDuplicate: false });
    expect(await b.client.play.report.mutate(input)).toMatchObject({ isDuplicate: false });
    expect(await b.client.play.report.mutate(input)).toMatchObject({ isDuplicate: true });
    const events = await PlayEvent.find({ eventId: input.eventId }).lean();
    expect(events.map((e) => String(e.userId)).sort()).toEqual([a.user.id, b.user.id].sort());
    for (const who of [a, b])
      expect(await queues.get('stats').getJob(`play-${who.user.id}-${input.eventId}`)).toBeDefined();
  });
});

describe('play_events can be sharded on { userId, startedAt }', () => {
  it('every unique index starts with the shard key, and the idempotency key includes the user', async () => {
    const indexes = await PlayEvent.collection.indexes();
    const unique = indexes.filter((i) => i.unique);
    expect(unique.map((i) => i.key)).toEqual([{ userId: 1, startedAt: 1, eventId: 1 }]);
    // MongoDB refuses to shard a collection with a unique index not prefixed by the shard key.
    for (const i of unique) expect(Object.keys(i.key).slice(0, 2)).toEqual(['userId', 'startedAt']);
  });
});

describe('queue admin procedures', () => {
  it('are for admins only and list depths', async () => {
    const user = await signIn('user');
    await expect(user.client.queue.overview.query()).rejects.toMatchObject({ data: { code: 'FORBIDDEN' } });
    const admin = await signIn('admin');
    const rows = await admin.client.queue.overview.query();
    expect(rows.find((r) => r.queue === 'stats' && r.state === 'waiting')?.count).toBeGreaterThanOrEqual(1);
    expect(await admin.client.queue.failed.query({ limit: 10 })).toEqual([]);
    await expect(admin.client.queue.retry.mutate({ queue: 'stats', jobId: 'nope' })).rejects.toMatchObject({
      data: { code: 'NOT_FOUND' },
    });
  });
});

describe('queue dashboard page', () => {
  it('renders depths and failed jobs for admins, refuses others, retries on POST', async () => {
    expect((await fetch(`${url}/admin/queues`)).status).toBe(401);
    const user = await signIn('user');
    expect((await fetch(`${url}/admin/queues`, { headers: { cookie: user.cookie } })).status).toBe(403);
    const admin = await signIn('admin');
    // A failed job to show: a payload the stats job would reject, failed by hand as a worker would.
    const q = queues.get('stats');
    const job = await q.add('stats.countPlay', { eventId: '<script>x</script>' }, { attempts: 1 });
    const w = new (await import('bullmq')).Worker(
      'stats',
      async () => {
        throw new Error('boom <b>');
      },
      { connection: workerConnection(), prefix: q.opts.prefix },
    );
    for (let i = 0; i < 100 && !(await job.isFailed()); i++) await new Promise((r) => setTimeout(r, 50));
    await w.close();
    const page = await fetch(`${url}/admin/queues`, { headers: { cookie: admin.cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<th>stats</th>');
    expect(html).toContain('boom &lt;b&gt;');
    expect(html).not.toContain('<script>');
    const retry = await fetch(`${url}/admin/queues/retry?queue=stats&jobId=${job.id}`, {
      method: 'POST',
      headers: { cookie: admin.cookie },
      redirect: 'manual',
    });
    expect(retry.status).toBe(303);
    expect(retry.headers.get('location')).toBe('/admin/queues?retried=1');
    expect(await job.isWaiting()).toBe(true);
    // The same core service as queue.retry: a job no longer failed, or an unknown queue, retries nothing.
    for (const q of [`queue=stats&jobId=${job.id}`, `queue=no-such-queue&jobId=${job.id}`]) {
      const again = await fetch(`${url}/admin/queues/retry?${q}`, {
        method: 'POST',
        headers: { cookie: admin.cookie },
        redirect: 'manual',
      });
      expect(again.headers.get('location')).toBe('/admin/queues?retried=0');
    }
    await expect(
      admin.client.queue.retry.mutate({ queue: 'no-such-queue', jobId: String(job.id) }),
    ).rejects.toMatchObject({
      data: { code: 'NOT_FOUND' },
    });
  });
});

describe('request logs', () => {
  it('writes one ECS line per call with request id, user id, procedure, duration; no secrets', async () => {
    const { user, sid, cookie } = await signIn();
    const requestId = `req-${uid()}`;
    const res = await fetch(`${url}/trpc/song.top?input=${encodeURIComponent('{"limit":1}')}`, {
      headers: {
        cookie,
        'x-request-id': requestId,
        'x-api-key': 'ta_0123abcd_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe(requestId);
    const line = lines.find((l) => l['http.request.id'] === requestId && l['trpc.procedure'] === 'song.top');
    expect(line).toMatchObject({
      'user.id': user.id,
      'trpc.type': 'query',
      'event.outcome': 'success',
      'log.level': 'info',
      'service.name': 'test-server',
    });
    expect(line!['event.duration']).toBeGreaterThan(0);
    // A failed call carries its error code.
    await fetch(`${url}/trpc/song.byId?input=${encodeURIComponent('{"id":"nope"}')}`, {
      headers: { 'x-request-id': `${requestId}-2` },
    });
    expect(lines.find((l) => l['http.request.id'] === `${requestId}-2` && l['trpc.procedure'])).toMatchObject(
      {
        'event.outcome': 'failure',
        'error.code': 'BAD_REQUEST',
      },
    );
    expect(raw.join('\n')).not.toContain(sid);
  });
});
