// Real-time across two real server processes (tsx apps/server/src/main.ts ×2) on one Redis and one
// MongoDB database: fan-out between servers, privacy, blocks, TTL expiry, failover.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { AppRouter } from '@tonearm/api';
import { signedInUser } from '@tonearm/api/testing';
import { createRedis, type RedisClient as Redis } from '@tonearm/cache';
import { repoRoot } from '@tonearm/config';
import { generateApiKey, SESSION_COOKIE } from '@tonearm/core';
import { ApiKey, Artist, Block, Follow, Song } from '@tonearm/db';
import { createRealtimeEmitter, PresenceStore } from '@tonearm/realtime';
import { createRealtimeClient, type RealtimeClient } from '@tonearm/realtime/client';
import type { PlayStarted, PresenceChanged } from '@tonearm/realtime/events';
import {
  type ServerProcess,
  startServerProcess,
  startTestServices,
  type TestServices,
} from '@tonearm/testing';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { io as ioClient } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const TTL_MS = 1_500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let svc: TestServices;
let redis: Redis;
let s1: ServerProcess;
let s2: ServerProcess;
const clients: RealtimeClient[] = [];
const children: ChildProcess[] = [];

type U = { id: string; cookie: string; handle: string };
let A: U; // listener on server 1, follows B and F
let B: U; // the friend on server 2
let C: U; // a stranger
let D: U; // follows B, but B blocked D
let F: U; // followed by A; vanishes without disconnecting
let song1: string;
let song2: string;
let song3: string;

const makeUser = (name: string): Promise<U> => signedInUser(redis, { name });

function connect(u: U, urls: string[], device = 'web'): RealtimeClient {
  const c = createRealtimeClient({ urls, headers: { cookie: u.cookie }, device });
  clients.push(c);
  return c;
}

const ready = (c: RealtimeClient) =>
  new Promise<void>((resolve) => {
    const off = c.onReady(() => {
      off();
      resolve();
    });
  });

/** The next presence:changed about `userId` that satisfies `pred`, with its arrival time. */
function nextChange(
  c: RealtimeClient,
  userId: string,
  pred: (p: PresenceChanged) => boolean,
  timeoutMs = 3_000,
): Promise<{ p: PresenceChanged; at: number }> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      off();
      reject(new Error(`no matching presence:changed for ${userId} within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = c.onFriend((p) => {
      if (p.userId !== userId || !pred(p)) return;
      clearTimeout(t);
      off();
      resolve({ p, at: performance.now() });
    });
  });
}

const trpc = (url: string, cookie: string) =>
  createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${url}/trpc`, headers: { cookie } })] });

beforeAll(async () => {
  svc = await startTestServices();
  redis = createRedis({ enableOfflineQueue: true, commandTimeout: 5_000 });
  const serverEnv = { MONGODB_URI: svc.mongoUri, PRESENCE_TTL_MS: String(TTL_MS) };
  [s1, s2] = await Promise.all([startServerProcess(serverEnv), startServerProcess(serverEnv)]);
  [A, B, C, D, F] = (await Promise.all(['alice', 'bob', 'carol', 'dave', 'fay'].map(makeUser))) as [
    U,
    U,
    U,
    U,
    U,
  ];
  const artist = await Artist.create({ name: 'Artist' });
  const mk = (title: string) =>
    Song.create({ title, artistId: artist._id, artistName: 'Artist' }).then((s) => String(s._id));
  [song1, song2, song3] = await Promise.all([mk('First Song'), mk('Second Song'), mk('Third Song')]);
  await Follow.insertMany([
    { followerId: A.id, followeeId: B.id },
    { followerId: A.id, followeeId: F.id },
    { followerId: D.id, followeeId: B.id },
  ]);
  await Block.create({ blockerId: B.id, blockedId: D.id });
}, 90_000);

afterAll(async () => {
  for (const c of clients) c.close();
  for (const ch of children)
    if (ch.pid)
      try {
        process.kill(-ch.pid, 'SIGKILL');
      } catch {}
  await Promise.all([s1?.kill(), s2?.kill()]);
  redis?.disconnect();
  await svc?.close();
});

describe('socket.io handshake', () => {
  it('refuses a socket without credentials or with a forged session', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { cookie: `${SESSION_COOKIE}=${'x'.repeat(43)}` },
      { 'x-api-key': 'ta_nope' },
    ];
    for (const headers of attempts) {
      const s = ioClient(s1.url, { transports: ['websocket'], reconnection: false, extraHeaders: headers });
      const err = await new Promise<Error>((resolve) => s.once('connect_error', resolve));
      expect(err.message).toBe('UNAUTHORIZED');
      expect(s.connected).toBe(false);
      s.close();
    }
  });

  it('accepts an API key and puts the socket in user:<id>', async () => {
    const key = generateApiKey();
    await ApiKey.create({ userId: C.id, name: 'bot', prefix: key.prefix, hash: key.hash });
    const s = ioClient(s2.url, {
      transports: ['websocket'],
      reconnection: false,
      extraHeaders: { 'x-api-key': key.key },
    });
    const r = await new Promise<{ userId: string }>((resolve) => s.once('realtime:ready', resolve));
    expect(r.userId).toBe(C.id);
    // A worker-style publish reaches it through the room (from server 1's process via Redis).
    const emitter = createRealtimeEmitter(redis);
    const got = new Promise((resolve) => s.once('song:transcode', resolve));
    emitter.toUser(C.id, 'song:transcode', { songId: song1, status: 'transcoding', progress: 0.5 });
    expect(await got).toEqual({ songId: song1, status: 'transcoding', progress: 0.5 });
    // A flood of heartbeats is cut by the per-socket token bucket (10 burst).
    const acks = await Promise.all(
      Array.from({ length: 15 }, () =>
        s.timeout(3_000).emitWithAck('presence:heartbeat', { state: 'online', device: 'bot' }),
      ),
    );
    expect(acks.filter((a) => a.ok)).toHaveLength(10);
    expect(acks.filter((a) => !a.ok).map((a) => (a as { code: string }).code)).toEqual(
      Array(5).fill('TOO_MANY_REQUESTS'),
    );
    s.close();
  });
});

describe('fan-out between two server processes', () => {
  let a: RealtimeClient;
  let b: RealtimeClient;
  let d: RealtimeClient;
  const dSaw: unknown[] = [];

  it('A on server 1 sees B on server 2 come online, start streaming within 500 ms, pause, change song, go private, leave', async () => {
    a = connect(A, [s1.url, s2.url]);
    d = connect(D, [s1.url]);
    d.socket.on('presence:changed', (p) => dSaw.push(p));
    d.socket.on('play:started', (p) => dSaw.push(p));
    await Promise.all([ready(a), ready(d)]);

    const online = nextChange(a, B.id, (p) => p.presence.state === 'online');
    b = connect(B, [s2.url]);
    await ready(b);
    await online;

    const plays: PlayStarted[] = [];
    a.socket.on('play:started', (p) => plays.push(p));
    const startedAt = Date.now();
    const streaming = nextChange(a, B.id, (p) => p.presence.state === 'streaming');
    const t0 = performance.now();
    b.setActivity({
      state: 'streaming',
      songId: song1,
      startedAt,
      positionSec: 0,
      isPaused: false,
      device: 'web',
    });
    const got = await streaming;
    const latency = got.at - t0;
    console.log(`[realtime] heartbeat on server 2 → follower on server 1: ${latency.toFixed(1)} ms`);
    expect(latency).toBeLessThan(500);
    expect(got.p.presence).toMatchObject({ state: 'streaming', songId: song1, isPaused: false, startedAt });

    const paused = nextChange(a, B.id, (p) => p.presence.state === 'streaming' && p.presence.isPaused);
    b.setActivity({
      state: 'streaming',
      songId: song1,
      startedAt,
      positionSec: 42,
      isPaused: true,
      device: 'web',
    });
    expect((await paused).p.presence).toMatchObject({ songId: song1, positionSec: 42 });

    const changed = nextChange(
      a,
      B.id,
      (p) => p.presence.state === 'streaming' && p.presence.songId === song2,
    );
    b.setActivity({
      state: 'streaming',
      songId: song2,
      startedAt: Date.now(),
      positionSec: 0,
      isPaused: false,
      device: 'web',
    });
    await changed;
    // play:started follows its presence:changed on the wire.
    await expect
      .poll(() => plays.map((p) => p.songId), { timeout: 1_000, interval: 10 })
      .toEqual([song1, song2]);

    const hidden = nextChange(a, B.id, (p) => p.presence.state === 'offline');
    await b.setPrivate(true);
    await hidden;
    // While private, a new song is neither shown nor recorded.
    b.setActivity({
      state: 'streaming',
      songId: song3,
      startedAt: Date.now(),
      positionSec: 0,
      isPaused: false,
      device: 'web',
    });
    const feedWhilePrivate = await trpc(s2.url, A.cookie).social.feed.query();
    const bWhilePrivate = feedWhilePrivate.friends.find((f) => f.user.id === B.id)!;
    expect(bWhilePrivate.presence).toEqual({ state: 'offline' });
    expect(bWhilePrivate.recent).toEqual([]);

    const back = nextChange(a, B.id, (p) => p.presence.state === 'streaming');
    await b.setPrivate(false);
    expect((await back).p.presence).toMatchObject({ songId: song3 });

    const left = nextChange(a, B.id, (p) => p.presence.state === 'offline');
    b.close();
    await left;
    expect(plays.map((p) => p.songId)).toEqual([song1, song2]);
    expect(a.friends.get(B.id)?.presence).toEqual({ state: 'offline' });
  });

  it('never shows B to D, whom B blocked, though D follows B', async () => {
    expect(dSaw.filter((e) => (e as { userId: string }).userId === B.id)).toEqual([]);
    expect(d.friends.has(B.id)).toBe(false);
    const feed = await trpc(s1.url, D.cookie).social.feed.query();
    expect(feed.friends.map((f) => f.user.id)).not.toContain(B.id);
    const sub = d.subscribe(B.id);
    await expect(sub).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('serves the feed: who A follows, what they play now, what they played recently', async () => {
    const feed = await trpc(s1.url, A.cookie).social.feed.query({ limit: 50, recentLimit: 5 });
    const b = feed.friends.find((f) => f.user.id === B.id)!;
    expect(b.user.handle).toBe(B.handle);
    expect(b.presence).toEqual({ state: 'offline' });
    expect(b.recent.map((r) => r.song.title)).toEqual(['Second Song', 'First Song']);
    expect(feed.friends.map((f) => f.user.id).sort()).toEqual([B.id, F.id].sort());
    await expect(trpc(s1.url, '').social.feed.query()).rejects.toMatchObject({
      data: { appCode: 'UNAUTHORIZED' },
    });
  });

  it('refuses to subscribe to a stranger, accepts a followee', async () => {
    await expect(a.subscribe(C.id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(a.subscribe(A.id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(a.subscribe(B.id)).resolves.toMatchObject({ userId: B.id, presence: { state: 'offline' } });
  });

  it('shows a client that vanishes without disconnecting as offline after its TTL', async () => {
    const root = repoRoot();
    const child = spawn(
      join(root, 'node_modules', '.bin', 'tsx'),
      [join(root, 'apps/server/test/fixtures/frozen-client.ts'), s2.url, F.cookie, song1],
      { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], detached: true },
    );
    children.push(child);
    const streaming = nextChange(a, F.id, (p) => p.presence.state === 'streaming', 20_000);
    await new Promise<void>((resolve) =>
      child.stdout?.on('data', (d: Buffer) => d.includes('READY') && resolve()),
    );
    await streaming;
    process.kill(-child.pid!, 'SIGSTOP'); // frozen: TCP open, no heartbeat, no close
    const frozenAt = performance.now();
    const offline = await nextChange(a, F.id, (p) => p.presence.state === 'offline', TTL_MS * 4);
    const after = offline.at - frozenAt;
    console.log(
      `[realtime] frozen client shown offline ${after.toFixed(0)} ms after SIGSTOP (TTL ${TTL_MS} ms)`,
    );
    // Offline once the TTL has run from the last heartbeat (at most TTL after freezing), plus a sweep.
    expect(after).toBeLessThan(TTL_MS + 1_500);
    expect(after).toBeGreaterThan(TTL_MS / 3 - 100);
    process.kill(-child.pid!, 'SIGKILL');
  });

  it('fails A over to server 2 when server 1 dies; presence recovers and the feed catches up within 5 s', async () => {
    const store = new PresenceStore(redis, { ttlMs: TTL_MS });
    const before = (await store.readMany([A.id])).get(A.id)!;
    expect(before.presence.state).toBe('online');

    await s1.kill();
    const killedAt = performance.now();
    // While A is away, B comes back and plays something: A must catch up on it.
    b = connect(B, [s2.url]);
    await ready(b);
    b.setActivity({
      state: 'streaming',
      songId: song1,
      startedAt: Date.now(),
      positionSec: 3,
      isPaused: false,
      device: 'tv',
    });
    await ready(a);
    await expect
      .poll(() => a.friends.get(B.id)?.presence.state, { timeout: 5_000, interval: 50 })
      .toBe('streaming');
    const caughtUp = performance.now() - killedAt;
    console.log(`[realtime] server 1 killed → A re-synced on server 2: ${caughtUp.toFixed(0)} ms`);
    expect(caughtUp).toBeLessThan(5_000);
    expect((a.socket.io as unknown as { uri: string }).uri).toBe(s2.url);
    expect(a.friends.get(B.id)?.presence).toMatchObject({ songId: song1, device: 'tv' });

    // A's own presence survived the move: same connection id, still one connection, never offline.
    const after = (await store.readMany([A.id])).get(A.id)!;
    expect(after.presence.state).toBe('online');
    expect(after.seq).toBe(before.seq);
    expect(await redis.hlen(store.keyOf('c', A.id))).toBe(1);
    const feed = await trpc(s2.url, A.cookie).social.feed.query();
    expect(feed.friends.find((f) => f.user.id === B.id)?.nowPlaying?.title).toBe('First Song');
  });

  it('a new follow goes live at once; a new block cuts it even before the audience is revoked', async () => {
    const emitter = createRealtimeEmitter(redis);
    const c = connect(C, [s2.url]);
    await ready(c);
    expect(c.friends.has(B.id)).toBe(false);
    // user.follow (issue 3's procedure) grants the live audience to C's open sockets.
    await trpc(s2.url, C.cookie).user.follow.mutate({ userId: B.id });
    await sleep(200); // the remote join travels through Redis like any broadcast
    const seen = nextChange(c, B.id, (p) => p.presence.state === 'streaming' && p.presence.songId === song2);
    b.setActivity({
      state: 'streaming',
      songId: song2,
      startedAt: Date.now(),
      positionSec: 0,
      isPaused: false,
      device: 'tv',
    });
    await seen;

    // B blocks C. No revokeAudience yet: C's socket is still in audience:B, the emit-time check must hold.
    await Block.create({ blockerId: B.id, blockedId: C.id });
    const leaked: PresenceChanged[] = [];
    c.onFriend((p) => p.userId === B.id && leaked.push(p));
    const aSees = nextChange(a, B.id, (p) => p.presence.state === 'streaming' && p.presence.songId === song3);
    b.setActivity({
      state: 'streaming',
      songId: song3,
      startedAt: Date.now(),
      positionSec: 0,
      isPaused: false,
      device: 'tv',
    });
    await aSees;
    emitter.revokeAudience(C.id, B.id);
    await sleep(300);
    expect(leaked).toEqual([]);
  });

  it('counts socket connections in /metrics', async () => {
    const m = await (await fetch(`${s2.url}/metrics`)).text();
    const n = Number(/^tonearm_socket_connections(?:\{[^}]*\})? (\d+)/m.exec(m)?.[1]);
    expect(n).toBeGreaterThanOrEqual(2); // A (failed over) and B at least
  });
});
