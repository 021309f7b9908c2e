// People through the router (issue 17), one test per privacy rule: listening visibility everyone /
// approved (follow requests) / nobody in the feed, on profiles and for the live subscription; blocks
// everywhere (profile, follow, requests, search, lists, suggestions); typo-tolerant people search;
// people you may know.

import { assertCanWatch } from '@tonearm/core';
import { Artist, FollowRequest, PlayEvent, Song, User } from '@tonearm/db';
import { PresenceStore } from '@tonearm/realtime';
import { startTestServices, type TestServices, uid } from '@tonearm/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SignedInUser, testCallers } from './support/signed-in';

let svc: TestServices;
let store: PresenceStore;
let songId: string;
let artistId: string;

const { callerAs: as, signedInUser } = testCallers(() => ({
  cache: svc.cache,
  redis: svc.redis,
  log: svc.log,
  presence: store,
}));
type P = SignedInUser;
const person = (name: string, handle?: string): Promise<P> => signedInUser({ name, handle });
async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'OK';
  } catch (e) {
    return (e as { code?: string }).code ?? 'UNKNOWN';
  }
}
async function plays(p: P) {
  await store.heartbeat(
    p.id,
    { connId: `c-${p.id.slice(-10)}`, sid: 's' },
    {
      state: 'streaming',
      songId,
      startedAt: Date.now(),
      positionSec: 1,
      isPaused: false,
      device: 'web',
    },
  );
}
const feedIds = async (viewer: P) => (await (await as(viewer)).social.feed()).friends.map((f) => f.user.id);

beforeAll(async () => {
  svc = await startTestServices();
  store = new PresenceStore(svc.redis, { ttlMs: 60_000 });
  const artist = await Artist.create({ name: 'Shared Artist' });
  artistId = String(artist._id);
  songId = String(
    (await Song.create({ title: 'Shared Song', artistId: artist._id, artistName: 'Shared Artist' }))._id,
  );
});
afterAll(() => svc?.close());

describe('listening visibility', () => {
  it('everyone: a follow is instant and the follower sees the listening; signed-in strangers see it on the profile, anonymous callers do not', async () => {
    const [a, b, c] = [await person('Alpha'), await person('Beta'), await person('Gamma')];
    await plays(b);
    expect(await (await as(a)).user.follow({ userId: b.id })).toEqual({ following: true, requested: false });
    expect(await feedIds(a)).toContain(b.id);
    expect((await (await as(c)).people.profile({ handle: b.handle })).recent[0]?.song.title).toBe(
      'Shared Song',
    );
    const anon = await (await as(null)).people.profile({ handle: b.handle });
    expect(anon).toMatchObject({ canSeeActivity: false, recent: [] });
  });

  it('approved: a follow becomes a request; nothing is visible until accepted; decline leaves no follow', async () => {
    const [a, b, d] = [await person('Ann'), await person('Bob'), await person('Dee')];
    await (await as(b)).people.setPrivacy({ listeningVisibility: 'approved' });
    await plays(b);
    expect(await (await as(a)).user.follow({ userId: b.id })).toEqual({ following: false, requested: true });
    expect(await feedIds(a)).not.toContain(b.id);
    const pending = await (await as(a)).people.profile({ handle: b.handle });
    expect(pending).toMatchObject({ canSeeActivity: false, relation: { requested: true, following: false } });
    expect(await codeOf(assertCanWatch(a.id, b.id))).toBe('FORBIDDEN');
    const [req] = await (await as(b)).people.requests();
    expect(req?.from.id).toBe(a.id);
    // Only the target can answer a request.
    expect(await codeOf((await as(a)).people.acceptRequest({ requestId: req!.id }))).toBe('NOT_FOUND');
    await (await as(b)).people.acceptRequest({ requestId: req!.id });
    expect(await feedIds(a)).toContain(b.id);
    await assertCanWatch(a.id, b.id);
    expect((await (await as(a)).people.profile({ handle: b.handle })).recent).toHaveLength(1);
    // A second requester is declined.
    await (await as(d)).user.follow({ userId: b.id });
    const [r2] = await (await as(b)).people.requests();
    await (await as(b)).people.declineRequest({ requestId: r2!.id });
    expect(await feedIds(d)).not.toContain(b.id);
    expect((await (await as(d)).people.profile({ handle: b.handle })).relation).toMatchObject({
      following: false,
      requested: false,
    });
  });

  it('nobody: followers no longer get the person in their feed, profile or live subscription; back to everyone restores it', async () => {
    const [a, b] = [await person('Ava'), await person('Ben')];
    await (await as(a)).user.follow({ userId: b.id });
    await plays(b);
    await (await as(b)).people.setPrivacy({ listeningVisibility: 'nobody' });
    expect(await feedIds(a)).not.toContain(b.id);
    expect((await (await as(a)).people.profile({ handle: b.handle })).canSeeActivity).toBe(false);
    expect(await codeOf(assertCanWatch(a.id, b.id))).toBe('FORBIDDEN');
    expect((await User.findById(b.id).lean())?.isActivityPrivate).toBe(true);
    // The owner still sees their own.
    expect((await (await as(b)).people.profile({ handle: b.handle })).canSeeActivity).toBe(true);
    await (await as(b)).people.setPrivacy({ listeningVisibility: 'everyone' });
    expect(await feedIds(a)).toContain(b.id);
  });

  it('switching approval off accepts the pending requests', async () => {
    const [a, b] = [await person('Abe'), await person('Bea')];
    await (await as(b)).people.setPrivacy({ listeningVisibility: 'approved' });
    await (await as(a)).user.follow({ userId: b.id });
    expect((await (await as(b)).people.privacy()).pendingRequests).toBe(1);
    await (await as(b)).people.setPrivacy({ listeningVisibility: 'everyone' });
    expect(await feedIds(a)).toContain(b.id);
    expect(await FollowRequest.countDocuments({ targetId: b.id })).toBe(0);
  });

  it('a followee can remove a follower', async () => {
    const [a, b] = [await person('Amy'), await person('Bo')];
    await (await as(a)).user.follow({ userId: b.id });
    await (await as(b)).people.removeFollower({ userId: a.id });
    expect(await feedIds(a)).not.toContain(b.id);
  });
});

describe('blocks everywhere', () => {
  it('a blocked person cannot see the profile, follow, find or list the blocker; pending requests go', async () => {
    const [a, b, c] = [await person('Axel'), await person('Blocker'), await person('Cam')];
    await (await as(b)).people.setPrivacy({ listeningVisibility: 'approved' });
    await (await as(a)).user.follow({ userId: b.id });
    await (await as(c)).user.follow({ userId: b.id });
    await (await as(b)).user.block({ userId: a.id });
    expect(await FollowRequest.countDocuments({ requesterId: a.id })).toBe(0);
    const asA = await as(a);
    expect(await codeOf(asA.people.profile({ handle: b.handle }))).toBe('NOT_FOUND');
    expect(await codeOf(asA.user.follow({ userId: b.id }))).toBe('NOT_FOUND');
    expect(await codeOf(asA.people.followers({ handle: b.handle }))).toBe('NOT_FOUND');
    expect((await asA.people.search({ q: b.handle })).map((p) => p.id)).not.toContain(b.id);
    // Third parties' lists hide the blocker from A too.
    await (await as(b)).user.follow({ userId: c.id });
    expect((await asA.people.followers({ handle: c.handle })).map((p) => p.id)).not.toContain(b.id);
    // The blocker sees A's profile (to unblock) but must unblock before following.
    const asB = await as(b);
    expect((await asB.people.profile({ handle: a.handle })).relation.blockedByYou).toBe(true);
    expect(await codeOf(asB.user.follow({ userId: a.id }))).toBe('BAD_REQUEST');
    await asB.user.unblock({ userId: a.id });
    expect((await asB.user.follow({ userId: a.id })).following).toBe(true);
  });
});

describe('people search', () => {
  it('finds people by a misspelled handle or display name, in their own group', async () => {
    const tag = uid(3);
    const m = await person(`Marguerite Duras`, `marguerite_${tag}`);
    const viewer = await person('Viewer');
    const asV = await as(viewer);
    expect((await asV.people.search({ q: `margeurite_${tag}` })).map((p) => p.id)).toContain(m.id);
    expect((await asV.people.search({ q: `@marguerite_${tag}` }))[0]?.id).toBe(m.id);
    expect((await asV.people.search({ q: `Durras ${tag}` })).map((p) => p.id)).toContain(m.id);
    expect((await asV.people.search({ q: `zzqx_${tag}` })).length).toBe(0);
    // A rename is searchable at once.
    await User.updateOne({ _id: m.id }, { $set: { displayName: `Renamed ${tag}` } });
    await (await as(m)).account.updateProfile({ displayName: `Renamed ${tag}` });
    expect((await asV.people.search({ q: `Renamd ${tag}` })).map((p) => p.id)).toContain(m.id);
  });
});

describe('people you may know', () => {
  it('ranks follows of follows over shared listening and leaves out follows and blocks', async () => {
    const me = await person('Me');
    const friend = await person('Friend');
    const fof = await person('Fof');
    const listener = await person('Listener');
    const blocked = await person('Blockd');
    await (await as(me)).user.follow({ userId: friend.id });
    await (await as(friend)).user.follow({ userId: fof.id });
    await (await as(friend)).user.follow({ userId: blocked.id });
    const play = (u: P) =>
      PlayEvent.create({ eventId: uid(), userId: u.id, songId, artistId, startedAt: new Date() });
    await Promise.all([play(me), play(listener), play(blocked)]);
    await (await as(blocked)).user.block({ userId: me.id });
    const s = await (await as(me)).people.suggestions({ limit: 10 });
    const ids = s.map((p) => p.id);
    expect(ids.slice(0, 2)).toEqual([fof.id, listener.id]);
    expect(ids).not.toContain(friend.id);
    expect(ids).not.toContain(blocked.id);
    expect(s[0]?.reason).toMatch(/Followed by 1 person you follow/);
    expect(s[1]?.reason).toMatch(/Listens to 1 of the songs/);
  });
});
