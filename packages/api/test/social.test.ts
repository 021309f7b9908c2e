// social.feed through the router: followees only, blocks both ways hidden, the sticky private setting
// and private sessions hide presence and history, songs resolved, ordering by activity.

import { Artist, Block, Follow, Song } from '@tonearm/db';
import { PresenceStore } from '@tonearm/realtime';
import { startTestServices, type TestServices } from '@tonearm/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCallers } from './support/signed-in';

let svc: TestServices;
let store: PresenceStore;

const { callerAs, signedInCaller, signedInUser } = testCallers(() => ({
  cache: svc.cache,
  redis: svc.redis,
  log: svc.log,
  presence: store,
}));
const user = async (name: string, fields?: Record<string, unknown>) =>
  (await signedInUser({ name, fields })).id;

beforeAll(async () => {
  svc = await startTestServices();
  store = new PresenceStore(svc.redis, { ttlMs: 60_000 });
});
afterAll(() => svc?.close());

describe('social.feed', () => {
  it('shows followees with what they play now and recently; hides strangers, blocks and private users', async () => {
    const meCaller = await signedInCaller({ name: 'me' });
    const me = meCaller.user.id;
    const [playing, paused, idle, hidden, blockedMe, iBlocked, stranger, session] = await Promise.all([
      user('playing'),
      user('paused'),
      user('idle'),
      user('hidden', { isActivityPrivate: true }),
      user('blockedme'),
      user('iblocked'),
      user('stranger'),
      user('session'),
    ]);
    const artist = await Artist.create({ name: 'A' });
    const mkSong = (title: string) =>
      Song.create({ title, artistId: artist._id, artistName: 'A' }).then((s) => String(s._id));
    const s1 = await mkSong('One');
    const s2 = await mkSong('Two');
    await Follow.insertMany(
      [playing, paused, idle, hidden, blockedMe, iBlocked, session].map((followeeId) => ({
        followerId: me,
        followeeId,
      })),
    );
    await Block.insertMany([
      { blockerId: blockedMe, blockedId: me },
      { blockerId: me, blockedId: iBlocked },
    ]);
    const stream = (songId: string, startedAt: number, isPaused = false) => ({
      state: 'streaming' as const,
      songId,
      startedAt,
      positionSec: 1,
      isPaused,
      device: 'web',
    });
    const c = (id: string) => ({ connId: `conn-${id.slice(-8)}`, sid: 's' });
    await store.heartbeat(playing, c(playing), stream(s1, 1));
    await store.heartbeat(playing, c(playing), stream(s2, 2));
    await store.heartbeat(paused, c(paused), stream(s1, 3, true));
    await store.heartbeat(idle, c(idle), { state: 'online', device: 'tv' });
    // Redis has activity for the sticky-private user (set before the setting): the feed still hides it.
    await store.heartbeat(hidden, c(hidden), stream(s1, 4));
    for (const id of [blockedMe, iBlocked, stranger]) await store.heartbeat(id, c(id), stream(s1, 5));
    await store.heartbeat(session, c(session), stream(s2, 6));
    await store.setPrivate(session, true);

    const feed = await meCaller.social.feed({ recentLimit: 5 });
    const ids = feed.friends.map((f) => f.user.id);
    expect(ids).not.toContain(stranger);
    expect(ids).not.toContain(blockedMe);
    expect(ids).not.toContain(iBlocked);
    // Streaming first, then paused, then online, then offline.
    expect(ids.slice(0, 3)).toEqual([playing, paused, idle]);
    const byId = new Map(feed.friends.map((f) => [f.user.id, f]));
    expect(byId.get(playing)).toMatchObject({
      presence: { state: 'streaming', songId: s2 },
      nowPlaying: { title: 'Two', artistName: 'A' },
    });
    expect(byId.get(playing)!.recent.map((r) => r.song.title)).toEqual(['Two', 'One']);
    expect(byId.get(paused)!.presence).toMatchObject({ isPaused: true });
    expect(byId.get(idle)!.presence).toEqual({ state: 'online', device: 'tv' });
    // A private session shows offline; the sticky "nobody" setting (isActivityPrivate) leaves the feed.
    expect(byId.get(session)).toMatchObject({ presence: { state: 'offline' }, nowPlaying: null, recent: [] });
    expect(ids).not.toContain(hidden);
  });

  it('is empty for someone who follows nobody, and refuses anonymous callers', async () => {
    const loner = await signedInCaller({ name: 'loner' });
    expect((await loner.social.feed()).friends).toEqual([]);
    await expect((await callerAs(null)).social.feed()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});
