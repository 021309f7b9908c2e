// A socket.io probe for the drills: a listener's socket on one server changes its presence (pause,
// resume) and a follower's socket on the other server must hear it, through the sharded Redis
// adapter. Each change is one sample of kind "socket.io": 200 when the heartbeat was acknowledged and
// the follower heard the change within 3 s, 503 when the heartbeat failed, 0 when nothing arrived.
import { performance } from 'node:perf_hooks';
import type { RedisClient } from '@tonearm/cache';
import { createSession, SESSION_COOKIE } from '@tonearm/core';
import { Follow, User } from '@tonearm/db';
import { createRealtimeClient, type RealtimeClient } from '@tonearm/realtime/client';
import type { Sample } from './load';

const WAIT_MS = 3_000;

async function user(redis: RedisClient, handle: string) {
  const u = await User.findOneAndUpdate(
    { email: `${handle}@example.test` },
    { $setOnInsert: { email: `${handle}@example.test`, handle, displayName: handle, passwordHash: 'x' } },
    { upsert: true, returnDocument: 'after' },
  );
  const id = String(u._id);
  return {
    id,
    cookie: `${SESSION_COOKIE}=${await createSession(redis, { userId: id, role: 'user' }, 3600)}`,
  };
}

function ready(c: RealtimeClient): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('socket.io probe: no realtime:ready within 15 s')), 15_000);
    const off = c.onReady(() => {
      clearTimeout(t);
      off();
      resolve();
    });
  });
}

export type SocketProbe = {
  run(t0: number, untilMs: number, everyMs: number, out: Sample[]): Promise<void>;
  close(): void;
};

export async function socketProbe(
  redis: RedisClient,
  listenerUrl: string,
  followerUrl: string,
): Promise<SocketProbe> {
  const listener = await user(redis, 'drill_listener');
  const follower = await user(redis, 'drill_follower');
  await Follow.updateOne(
    { followerId: follower.id, followeeId: listener.id },
    { $setOnInsert: { followerId: follower.id, followeeId: listener.id } },
    { upsert: true },
  );
  // One server each: the change must cross servers through Redis.
  const l = createRealtimeClient({
    urls: [listenerUrl],
    headers: { cookie: listener.cookie },
    device: 'drill',
  });
  const f = createRealtimeClient({
    urls: [followerUrl],
    headers: { cookie: follower.cookie },
    device: 'drill',
  });
  await Promise.all([ready(l), ready(f)]);
  const songId = '0'.repeat(24);
  const startedAt = Date.now();
  return {
    async run(t0, untilMs, everyMs, out) {
      let n = 0;
      const pending: Promise<void>[] = [];
      while (performance.now() - t0 < untilMs) {
        const i = n++;
        const isPaused = i % 2 === 1;
        const start = performance.now();
        pending.push(
          (async () => {
            const heard = new Promise<boolean>((resolve) => {
              const t = setTimeout(() => {
                off();
                resolve(false);
              }, WAIT_MS);
              const off = f.onFriend((p) => {
                if (p.userId !== listener.id || p.presence.state !== 'streaming') return;
                if (p.presence.isPaused !== isPaused || p.presence.positionSec !== i) return;
                clearTimeout(t);
                off();
                resolve(true);
              });
            });
            const ack = await l.socket
              .timeout(WAIT_MS)
              .emitWithAck('presence:heartbeat', {
                state: 'streaming',
                songId,
                startedAt,
                positionSec: i,
                isPaused,
                device: 'drill',
              })
              .catch(() => null);
            const ok = await heard;
            const status = ack?.ok === false ? 503 : ok && ack ? 200 : 0;
            out.push({ t: start - t0, status, ms: performance.now() - start, kind: 'socket.io', i: -1 - i });
          })(),
        );
        await new Promise((r) => setTimeout(r, everyMs));
      }
      await Promise.all(pending);
    },
    close() {
      l.close();
      f.close();
    },
  };
}
