// The presence store against a real Redis: merging tabs, TTL expiry through the sweeper, private
// sessions, recent plays, one-command bulk reads.
import { randomBytes } from 'node:crypto';
import { createRedis, onEveryMaster, type RedisClient } from '@tonearm/cache';
import { loadServicesEnv } from '@tonearm/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PresenceStore, presenceBucket } from '../src/presence';

let redis: RedisClient;
let store: PresenceStore;
const oid = () => randomBytes(12).toString('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  loadServicesEnv();
  redis = createRedis({ enableOfflineQueue: true, commandTimeout: 5_000 });
  store = new PresenceStore(redis, { prefix: `tp${randomBytes(3).toString('hex')}`, ttlMs: 400 });
});
afterAll(() => redis?.disconnect());

const song = oid();
const streaming = (
  over: Partial<{ songId: string; startedAt: number; isPaused: boolean; device: string }> = {},
) => ({
  state: 'streaming' as const,
  songId: song,
  startedAt: 1_700_000_000_000,
  positionSec: 12.5,
  isPaused: false,
  device: 'web',
  ...over,
});

describe('PresenceStore', () => {
  it('merges tabs: a streaming tab wins over an online one, and leaving it falls back to online', async () => {
    const u = oid();
    const a = await store.heartbeat(
      u,
      { connId: 'tab-a-0001', sid: 's1' },
      { state: 'online', device: 'web' },
    );
    expect(a).toMatchObject({ changed: true, view: { presence: { state: 'online' }, seq: 1 } });
    const b = await store.heartbeat(u, { connId: 'tab-b-0001', sid: 's2' }, streaming());
    expect(b.changed).toBe(true);
    expect(b.playStarted).toBe(true);
    expect(b.view.presence).toMatchObject({ state: 'streaming', songId: song, positionSec: 12.5 });
    // Tab A beating again while B streams changes nothing visible.
    const a2 = await store.heartbeat(
      u,
      { connId: 'tab-a-0001', sid: 's1' },
      { state: 'online', device: 'web' },
    );
    expect(a2.changed).toBe(false);
    expect(a2.view.presence.state).toBe('streaming');
    // Position updates are stored but not fanned out.
    const b2 = await store.heartbeat(
      u,
      { connId: 'tab-b-0001', sid: 's2' },
      { ...streaming(), positionSec: 30 },
    );
    expect(b2.changed).toBe(false);
    expect(b2.playStarted).toBe(false);
    expect((await store.readMany([u])).get(u)?.presence).toMatchObject({ positionSec: 30 });
    // A stale disconnect (another socket took the connection id over) is ignored.
    expect(await store.leave(u, { connId: 'tab-b-0001', sid: 'old' })).toBeNull();
    const left = await store.leave(u, { connId: 'tab-b-0001', sid: 's2' });
    expect(left).toMatchObject({ changed: true, view: { presence: { state: 'online' }, seq: 3 } });
    const gone = await store.leave(u, { connId: 'tab-a-0001', sid: 's1' });
    expect(gone).toMatchObject({ changed: true, view: { presence: { state: 'offline' }, seq: 4 } });
  });

  it('prefers a playing tab over a paused one, and the newer play among playing tabs', async () => {
    const u = oid();
    const s2 = oid();
    await store.heartbeat(
      u,
      { connId: 'phone-0001', sid: 'p' },
      streaming({ isPaused: true, device: 'phone' }),
    );
    const r = await store.heartbeat(
      u,
      { connId: 'desk-0001', sid: 'd' },
      streaming({ songId: s2, startedAt: 1_600_000_000_000 }),
    );
    expect(r.view.presence).toMatchObject({ songId: s2, device: 'web', isPaused: false });
    const r2 = await store.heartbeat(
      u,
      { connId: 'phone-0001', sid: 'p' },
      streaming({ startedAt: 1_800_000_000_000, device: 'phone' }),
    );
    expect(r2.view.presence).toMatchObject({ songId: song, device: 'phone' });
  });

  it('expires a connection that stops heartbeating, through the sweeper', async () => {
    const u = oid();
    await store.heartbeat(u, { connId: 'crash-0001', sid: 'c' }, streaming());
    expect((await store.readMany([u])).get(u)?.presence.state).toBe('streaming');
    await sleep(450);
    // Even before a sweep, a reader sees the deadline has passed.
    expect((await store.readMany([u])).get(u)?.presence.state).toBe('offline');
    const swept = await store.sweep();
    expect(swept.find((s) => s.userId === u)?.presence).toEqual({ state: 'offline' });
    // A second sweep finds nothing for this user: claims are one-shot.
    expect((await store.sweep()).find((s) => s.userId === u)).toBeUndefined();
  });

  it('hides everything during a private session, and records no plays meanwhile', async () => {
    const u = oid();
    await store.heartbeat(u, { connId: 'tab-0000001', sid: 's' }, streaming());
    const p = await store.setPrivate(u, true);
    expect(p).toMatchObject({ changed: true, view: { presence: { state: 'offline' } } });
    const during = await store.heartbeat(
      u,
      { connId: 'tab-0000001', sid: 's' },
      streaming({ songId: oid(), startedAt: 5 }),
    );
    expect(during).toMatchObject({
      changed: false,
      playStarted: false,
      view: { presence: { state: 'offline' } },
    });
    const read = (await store.readMany([u], 10)).get(u)!;
    expect(read.presence).toEqual({ state: 'offline' });
    expect(read.recent).toEqual([]);
    const back = await store.setPrivate(u, false);
    expect(back.view.presence.state).toBe('streaming');
    expect((await store.readMany([u], 10)).get(u)!.recent.map((r) => r.songId)).toEqual([song]);
  });

  it('sticky private (account setting) masks the state even after a sweep recomputes it', async () => {
    const u = oid();
    const r = await store.heartbeat(
      u,
      { connId: 'tab-0000002', sid: 's', isStickyPrivate: true },
      streaming(),
    );
    expect(r.view.presence).toEqual({ state: 'offline' });
    expect(r.playStarted).toBe(false);
  });

  it('reads many users in one command and keeps a bounded recent list, newest first', async () => {
    const users = Array.from({ length: 50 }, oid);
    const songs = Array.from({ length: 25 }, oid);
    for (const [i, s] of songs.entries()) {
      await store.heartbeat(
        users[0]!,
        { connId: 'tab-0000003', sid: 's' },
        streaming({ songId: s, startedAt: i + 1 }),
      );
    }
    await store.heartbeat(users[1]!, { connId: 'tab-0000004', sid: 's' }, { state: 'online', device: 'tv' });
    const before = await commandCalls();
    const all = await store.readMany(users, 5);
    const after = await commandCalls();
    // One script call per bucket the 50 users fall in (one slot each on a Cluster), not one per friend.
    expect(after.scripts - before.scripts).toBe(new Set(users.map(presenceBucket)).size);
    expect(all.size).toBe(50);
    expect(all.get(users[0]!)!.recent.map((r) => r.songId)).toEqual(songs.slice(-5).reverse());
    expect(all.get(users[1]!)!.presence).toEqual({ state: 'online', device: 'tv' });
    expect(all.get(users[2]!)!.presence).toEqual({ state: 'offline' });
    await store.heartbeat(
      users[0]!,
      { connId: 'tab-0000003', sid: 's' },
      streaming({ songId: oid(), startedAt: 99 }),
    );
    const list = await redis.llen(store.keyOf('r', users[0]!));
    expect(list).toBe(store.recentMax);
  });

  it('caps connections per user', async () => {
    const small = new PresenceStore(redis, { prefix: store.prefix, maxConnsPerUser: 2 });
    const u = oid();
    await small.heartbeat(u, { connId: 'c-00000001', sid: 'a' }, { state: 'online', device: 'web' });
    await small.heartbeat(u, { connId: 'c-00000002', sid: 'b' }, { state: 'online', device: 'web' });
    await expect(
      small.heartbeat(u, { connId: 'c-00000003', sid: 'c' }, { state: 'online', device: 'web' }),
    ).rejects.toThrow(/Too many/);
  });
});

/** Script calls (EVAL + EVALSHA) the server has run so far, from INFO commandstats. */
async function commandCalls(): Promise<{ scripts: number }> {
  // Every master's count: on a Cluster each bucket's calls run where its slot lives.
  const infos = await onEveryMaster(redis, (n) => n.info('commandstats'));
  const calls = (info: string, cmd: string) =>
    Number(new RegExp(`cmdstat_${cmd}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
  return { scripts: infos.reduce((a, i) => a + calls(i, 'evalsha') + calls(i, 'eval'), 0) };
}
