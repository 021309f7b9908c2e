// Cache-aside at the procedure level, over HTTP, counting real MongoDB queries through Mongoose's
// debug hook: a second read is a hit, a write is visible to the next read (entity and list pages),
// 200 concurrent misses on one key run one query, and with Redis stopped mid-test reads still work.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cache, createRedis, whenReady } from '@tonearm/cache';
import { mongoose } from '@tonearm/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogger, client, type Fixture, setup, startServer } from './helpers';

let f: Fixture;
const queries: string[] = [];

beforeAll(async () => {
  f = await setup(4);
  mongoose.set('debug', (collection: string, method: string) => {
    queries.push(`${collection}.${method}`);
  });
});
afterAll(async () => {
  mongoose.set('debug', false);
  await f?.close();
});

const count = (what: string) => queries.filter((q) => q === what).length;
async function getJson(url: string) {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as { result?: { data: unknown } } };
}
const byIdUrl = (base: string, id: string) =>
  `${base}/trpc/song.byId?input=${encodeURIComponent(JSON.stringify({ id }))}`;

describe('cache-aside through procedures', () => {
  it('serves the second read from Redis', async () => {
    const anon = client(f.url);
    const before = count('songs.findOne');
    const a = await anon.song.byId.query({ id: f.songIds[0]! });
    const b = await anon.song.byId.query({ id: f.songIds[0]! });
    expect(b).toEqual(a);
    expect(count('songs.findOne') - before).toBe(1);
    expect(await f.svc.redis.exists(f.svc.cache.key('song', f.songIds[0]!))).toBe(1);
  });

  it('returns new data on the read after a write (entity and list pages)', async () => {
    const anon = client(f.url);
    const admin = client(f.url, f.admin);
    const id = f.songIds[1]!;
    await anon.song.byId.query({ id });
    const page = await anon.song.byAlbum.query({ albumId: f.albumId, limit: 10 });
    expect(page.items.map((s) => s.title)).toContain('Track 2');
    const before = count('songs.findOne');
    await anon.song.byId.query({ id });
    expect(count('songs.findOne')).toBe(before); // cached
    await admin.song.update.mutate({ id, title: 'Renamed' });
    expect((await anon.song.byId.query({ id })).title).toBe('Renamed');
    const again = await anon.song.byAlbum.query({ albumId: f.albumId, limit: 10 });
    expect(again.items.map((s) => s.title)).toContain('Renamed');
    await admin.artist.update.mutate({ id: f.artistId, name: 'Bad Bonny' });
    expect((await anon.song.byId.query({ id })).artistName).toBe('Bad Bonny');
    expect((await anon.artist.byId.query({ id: f.artistId })).name).toBe('Bad Bonny');
    const alice = client(f.url, f.alice);
    const p = await alice.playlist.create.mutate({ name: 'Before' });
    expect((await alice.playlist.mine.query({})).items[0]!.name).toBe('Before');
    await alice.playlist.update.mutate({ id: p.id, revision: 0, name: 'After' });
    expect((await alice.playlist.mine.query({})).items[0]!.name).toBe('After');
    expect((await alice.playlist.byId.query({ id: p.id })).name).toBe('After');
  });

  it('runs exactly one MongoDB query for 200 concurrent misses on one key', async () => {
    const id = f.songIds[2]!;
    await f.svc.cache.invalidate('song', id);
    const before = count('songs.findOne');
    const results = await Promise.all(Array.from({ length: 200 }, () => getJson(byIdUrl(f.url, id))));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(new Set(results.map((r) => JSON.stringify(r.body.result?.data))).size).toBe(1);
    expect(count('songs.findOne') - before).toBe(1);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createNetServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

describe('with Redis stopped mid-test', () => {
  let redisProc: ChildProcess | undefined;
  afterAll(() => {
    if (redisProc?.exitCode === null) redisProc.kill('SIGKILL');
  });

  it('keeps answering reads from MongoDB', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'tonearm-redis-'));
    redisProc = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      { stdio: 'ignore' },
    );
    const redis = createRedis({ connectTimeout: 500 }, { url: `redis://127.0.0.1:${port}` });
    redis.on('error', () => {});
    await whenReady(redis);
    const cache = new Cache(redis);
    const cap = captureLogger();
    const { server, url } = await startServer({ cache, redis, log: cap.log });
    try {
      const [hot, cold] = [f.songIds[0]!, f.songIds[3]!];
      const first = await getJson(byIdUrl(url, hot));
      expect(first.status).toBe(200);
      expect(await redis.exists(cache.key('song', hot))).toBe(1);

      const exited = new Promise((r) => redisProc!.once('exit', r));
      redisProc.kill('SIGTERM');
      await exited;

      const before = count('songs.findOne');
      const again = await getJson(byIdUrl(url, hot));
      expect(again.status).toBe(200);
      expect(again.body.result?.data).toEqual(first.body.result?.data);
      const miss = await getJson(byIdUrl(url, cold));
      expect(miss.status).toBe(200);
      const list = await getJson(
        `${url}/trpc/song.byAlbum?input=${encodeURIComponent(JSON.stringify({ albumId: f.albumId }))}`,
      );
      expect(list.status).toBe(200);
      expect(count('songs.findOne') - before).toBe(2); // both reads went to MongoDB
      // A signed-in request cannot be authenticated without Redis: 503, not a 500.
      for (const via of ['GET', 'POST'] as const) {
        const res = await fetch(`${url}/trpc/playlist.mine`, {
          method: via,
          headers: {
            cookie: f.alice.cookie,
            'x-request-id': `down-${via}`,
            'content-type': 'application/json',
          },
          ...(via === 'POST' ? { body: '{}' } : {}),
        });
        expect(res.status).toBe(503);
        // Logged once, with its request id, even though no context could be built.
        const logged = cap.lines.filter((l) => l['http.request.id'] === `down-${via}`);
        expect(logged.map((l) => l['error.code'])).toEqual(['SERVICE_UNAVAILABLE']);
      }
    } finally {
      server.closeAllConnections();
      server.close();
      redis.disconnect();
    }
  });
});
