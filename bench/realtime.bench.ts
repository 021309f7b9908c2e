// Real-time at scale: N listeners (default 10,000) on 2 real server processes (tsx apps/server/src/
// main.ts ×2, one Redis, one MongoDB), each a raw WebSocket speaking the socket.io protocol (a full
// socket.io-client per listener would cost the bench process more than the servers). Measures
// heartbeat ack latency and Redis commands per heartbeat (INFO commandstats deltas), and fan-out
// latency from a status change to every follower's receipt, against a raw Redis pub/sub round trip
// and a raw Redis PING measured in the same run. Loopback only; bounded; stops by itself.
// BENCH_REALTIME_LISTENERS / BENCH_REALTIME_ROUNDS override the size.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createRedis, type RedisClient as Redis } from '@tonearm/cache';
import { createSession, SESSION_COOKIE } from '@tonearm/core';
import { Follow, Types, User } from '@tonearm/db';
import { type ServerProcess, startServerProcess, startTestServices } from '@tonearm/testing';
import WebSocket from 'ws';
import { type Harness, stats } from './harness';

const N = Number(process.env.BENCH_REALTIME_LISTENERS ?? 10_000);
const FOLLOWERS_PER_BROADCASTER = 100;
const ROUNDS = Number(process.env.BENCH_REALTIME_ROUNDS ?? 30);
const CHANGES_PER_ROUND = 10;
// One beat per listener over one heartbeat interval at the default TTL (45 s / 3): steady-state load.
const HEARTBEAT_WINDOW_MS = 15_000;
const HARD_LIMIT_MS = 14 * 60_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Listener = {
  id: string;
  ws: WebSocket;
  ackWaiters: Map<number, (t: number) => void>;
  nextAck: number;
};

/** Runs `fn` over items with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
}

async function commandStats(redis: Redis): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const m of (await redis.info('commandstats')).matchAll(/cmdstat_([a-z|_-]+):calls=(\d+)/g)) {
    out.set(m[1]!, Number(m[2]));
  }
  return out;
}

export default async function (h: Harness) {
  const servers: ServerProcess[] = [];
  const guard = setTimeout(() => {
    console.error(`[realtime] hard limit of ${HARD_LIMIT_MS / 60_000} min reached: aborting`);
    for (const s of servers) void s.kill(); // signals the process groups synchronously
    process.exit(2);
  }, HARD_LIMIT_MS);
  guard.unref();

  const svc = await startTestServices();
  const redis = createRedis({ enableOfflineQueue: true, commandTimeout: 5_000 });
  const listeners: Listener[] = [];
  const onChange: ((to: string, userId: string, songId: string | undefined, at: number) => void)[] = [];
  try {
    // --- data: N users with sessions; listener i follows broadcaster i % B -----------------
    const B = Math.max(1, Math.floor(N / FOLLOWERS_PER_BROADCASTER));
    const ids = Array.from({ length: N }, () => new Types.ObjectId());
    const tag = randomBytes(3).toString('hex');
    for (let i = 0; i < N; i += 2_000) {
      await User.insertMany(
        ids.slice(i, i + 2_000).map((_id, j) => ({
          _id,
          email: `l${i + j}_${tag}@bench.test`,
          handle: `l${i + j}_${tag}`,
          displayName: `Listener ${i + j}`,
          passwordHash: 'x',
        })),
        { ordered: false },
      );
    }
    const follows = ids.slice(B).map((id, i) => ({ followerId: id, followeeId: ids[i % B]! }));
    for (let i = 0; i < follows.length; i += 5_000) await Follow.insertMany(follows.slice(i, i + 5_000));
    const cookies: string[] = new Array(N);
    await pool(ids, 200, async (id, i) => {
      cookies[i] =
        `${SESSION_COOKIE}=${await createSession(redis, { userId: String(id), role: 'user' }, 3600)}`;
    });

    const serverEnv = { MONGODB_URI: svc.mongoUri, LOG_LEVEL: 'error' };
    servers.push(...(await Promise.all([startServerProcess(serverEnv), startServerProcess(serverEnv)])));

    // --- connect N listeners, alternating servers --------------------------------------------
    const t0 = performance.now();
    let failed = 0;
    let ackErrors = 0;
    await pool(ids, 200, async (oid, i) => {
      const id = String(oid);
      const port = servers[i % 2]!.port;
      const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`, {
        headers: { cookie: cookies[i]! },
        perMessageDeflate: false,
      });
      const l: Listener = { id, ws, ackWaiters: new Map(), nextAck: 1 };
      const ok = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 60_000);
        ws.on('message', (data: Buffer) => {
          const s = data.toString();
          const now = performance.now();
          if (s === '2') return ws.send('3'); // engine.io ping → pong
          if (s[0] === '0') {
            const auth = {
              connId: `bench${i.toString(36).padStart(6, '0')}`,
              activity: { state: 'online', device: 'bench' },
            };
            return ws.send(`40${JSON.stringify(auth)}`);
          }
          if (s.startsWith('44')) {
            clearTimeout(timer);
            return resolve(false);
          }
          if (s.startsWith('42["realtime:ready"')) {
            clearTimeout(timer);
            return resolve(true);
          }
          if (s.startsWith('42["presence:changed"')) {
            const [, p] = JSON.parse(s.slice(2)) as [
              string,
              { userId: string; presence: { songId?: string } },
            ];
            for (const cb of onChange) cb(id, p.userId, p.presence.songId, now);
            return;
          }
          if (s.startsWith('43')) {
            const m = /^43(\d+)/.exec(s);
            const w = m && l.ackWaiters.get(Number(m[1]));
            if (w) {
              l.ackWaiters.delete(Number(m![1]));
              if (!s.includes('"ok":true')) ackErrors++;
              w(now);
            }
          }
        });
        ws.on('error', () => {
          clearTimeout(timer);
          resolve(false);
        });
      });
      if (ok) listeners.push(l);
      else failed++;
    });
    const connectSec = (performance.now() - t0) / 1000;
    const perServer = await Promise.all(
      servers.map(async (s) => {
        const m = await (await fetch(`${s.url}/metrics`)).text();
        return Number(/^tonearm_socket_connections(?:\{[^}]*\})? (\d+)/m.exec(m)?.[1]);
      }),
    );
    h.record({
      name: `connect ${N} listeners (2 server processes)`,
      figures: {
        connected: listeners.length,
        failed,
        'wall s': connectSec,
        'connects/s': listeners.length / connectSec,
        'sockets server1': perServer[0]!,
        'sockets server2': perServer[1]!,
      },
      note: 'each handshake: session lookup, follow/block/privacy queries, presence write, friends snapshot',
    });

    const send = (l: Listener, event: string, payload: unknown, withAck: boolean): Promise<number> => {
      if (!withAck) {
        l.ws.send(`42${JSON.stringify([event, payload])}`);
        return Promise.resolve(0);
      }
      const n = l.nextAck++;
      const sent = performance.now();
      return new Promise((resolve) => {
        // A lost ack counts as missing (NaN), never hangs the run.
        const timer = setTimeout(() => {
          l.ackWaiters.delete(n);
          resolve(Number.NaN);
        }, 10_000);
        l.ackWaiters.set(n, (at) => {
          clearTimeout(timer);
          resolve(at - sent);
        });
        l.ws.send(`42${n}${JSON.stringify([event, payload])}`);
      });
    };

    // --- baselines, measured now with every listener connected --------------------------------
    const sub = createRedis({ enableOfflineQueue: true, commandTimeout: 5_000 });
    const pub = createRedis({ enableOfflineQueue: true, commandTimeout: 5_000 });
    const channel = `bench:rt:${tag}`;
    let pending: ((t: number) => void) | null = null;
    sub.on('message', () => pending?.(performance.now()));
    await sub.subscribe(channel);
    const pubsub = await h.sample(
      () =>
        new Promise<number>((resolve) => {
          pending = resolve;
          void pub.publish(channel, 'x');
        }),
      1_000,
      100,
    );
    const ping = await h.sample(() => pub.ping(), 1_000, 100);

    // --- heartbeats: every listener beats once, spread over the window -------------------------
    const before = await commandStats(redis);
    const hbLatencies: number[] = [];
    const hbStart = performance.now();
    await Promise.all(
      listeners.map(async (l, i) => {
        await sleep((i / listeners.length) * HEARTBEAT_WINDOW_MS);
        hbLatencies.push(await send(l, 'presence:heartbeat', { state: 'online', device: 'bench' }, true));
      }),
    );
    const hbWall = (performance.now() - hbStart) / 1000;
    const hbMissing = hbLatencies.filter(Number.isNaN).length;
    const hbOk = hbLatencies.filter((x) => !Number.isNaN(x));
    const after = await commandStats(redis);
    const delta = new Map<string, number>();
    for (const [k, v] of after) delta.set(k, v - (before.get(k) ?? 0));
    const hb = hbLatencies.length;
    const scriptCalls = (delta.get('evalsha') ?? 0) + (delta.get('eval') ?? 0);
    const everything = [...delta.entries()].filter(([k]) => k !== 'info').reduce((a, [, v]) => a + v, 0);
    const top = [...delta.entries()]
      .filter(([k, v]) => v > 0 && k !== 'info')
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([k, v]) => `${k}=${(v / hb).toFixed(2)}`)
      .join(' ');
    h.record({
      name: `heartbeat ack (${hb} listeners, one beat each in ${HEARTBEAT_WINDOW_MS / 1000} s)`,
      target: stats(hbOk),
      baseline: stats(ping),
      figures: {
        'acks missing': hbMissing,
        'acks with an error': ackErrors,
        'heartbeats/s': hb / hbWall,
        'redis round trips/heartbeat': scriptCalls / hb,
        'redis commands/heartbeat (incl. in-script)': everything / hb,
        'per command': top,
      },
      note: 'baseline: raw Redis PING; commandstats deltas include the 2 servers’ sweeper (1/s each)',
    });

    // --- fan-out: broadcasters change song; every follower's receipt is timed -----------------
    const byId = new Map(listeners.map((l) => [l.id, l]));
    const followersOf = new Map<string, number>();
    for (const f of follows) {
      const fid = String(f.followeeId);
      if (byId.has(String(f.followerId))) followersOf.set(fid, (followersOf.get(fid) ?? 0) + 1);
    }
    const fanout: number[] = [];
    let expected = 0;
    let received = 0;
    const inflight = new Map<string, number>(); // `${userId}|${songId}` → send time
    onChange.push((to, userId, songId, at) => {
      // The broadcaster's own sockets hear it too (user room): only followers count.
      if (to === userId) return;
      const t = inflight.get(`${userId}|${songId}`);
      if (t === undefined) return;
      received++;
      fanout.push(at - t);
    });
    const broadcasters = ids
      .slice(0, B)
      .map(String)
      .filter((id) => byId.has(id));
    for (let r = 0; r < ROUNDS; r++) {
      for (let k = 0; k < CHANGES_PER_ROUND; k++) {
        const who = broadcasters[(r * CHANGES_PER_ROUND + k) % broadcasters.length]!;
        const songId = new Types.ObjectId().toHexString();
        expected += followersOf.get(who) ?? 0;
        inflight.set(`${who}|${songId}`, performance.now());
        void send(
          byId.get(who)!,
          'presence:heartbeat',
          {
            state: 'streaming',
            songId,
            startedAt: Date.now(),
            positionSec: 0,
            isPaused: false,
            device: 'bench',
          },
          false,
        );
      }
      await sleep(250);
    }
    await sleep(2_000);
    h.record({
      name: `fan-out: status change → each follower (${FOLLOWERS_PER_BROADCASTER} followers, across 2 processes)`,
      target: stats(fanout),
      baseline: stats(pubsub),
      figures: {
        changes: ROUNDS * CHANGES_PER_ROUND,
        'deliveries expected': expected,
        received,
        'changes/s': CHANGES_PER_ROUND / 0.25,
      },
      note: 'baseline: one raw Redis PUBLISH → subscriber round trip; shared, busy 2-core machine',
    });
    sub.disconnect();
    pub.disconnect();
  } finally {
    for (const l of listeners) l.ws.terminate();
    await Promise.all(servers.map((s) => s.stop()));
    const m = redis.pipeline();
    for (const id of listeners.map((l) => l.id)) m.del(`pres:c:${id}`, `pres:v:${id}`, `pres:r:${id}`);
    m.zremrangebyscore('pres:dl', '-inf', '+inf');
    await m.exec().catch(() => {});
    redis.disconnect();
    await svc.close();
    clearTimeout(guard);
  }
}
