// Authorisation over HTTP: private playlists are invisible to others (NOT_FOUND, exactly as for an id
// that does not exist, so existence does not leak), only owners edit, admin-only procedures, API-key
// scopes, sessions-only key management, blocks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, codeOf, type Fixture, setup } from './helpers';

let f: Fixture;
beforeAll(async () => {
  f = await setup(3);
});
afterAll(() => f?.close());

const MISSING = '0123456789abcdef01234567';

describe('playlists', () => {
  it('hides a private playlist from everyone but its owner, like a missing one', async () => {
    const alice = client(f.url, f.alice);
    const priv = await alice.playlist.create.mutate({ name: 'Secret' });
    await alice.playlist.addSongs.mutate({ id: priv.id, revision: 0, songIds: [f.songIds[0]!] });
    expect((await alice.playlist.byId.query({ id: priv.id })).name).toBe('Secret');
    const bob = client(f.url, f.bob);
    const anon = client(f.url);
    const seen = async (p: Promise<unknown>) => p.then(() => 'OK').catch((e: Error) => e.message);
    const missing = await seen(bob.playlist.byId.query({ id: MISSING }));
    expect(missing).toBe('Playlist not found');
    expect(await seen(bob.playlist.byId.query({ id: priv.id }))).toBe(missing);
    expect(await seen(anon.playlist.byId.query({ id: priv.id }))).toBe(missing);
    expect(await codeOf(bob.playlist.update.mutate({ id: priv.id, revision: 1, name: 'Mine' }))).toBe(
      'NOT_FOUND',
    );
    expect(await codeOf(bob.playlist.delete.mutate({ id: priv.id, revision: 1 }))).toBe('NOT_FOUND');
    const list = await anon.playlist.byUser.query({ userId: f.alice.id });
    expect(list.items.map((p) => p.id)).not.toContain(priv.id);
  });

  it('lets others read a public playlist but only its owner edit it', async () => {
    const alice = client(f.url, f.alice);
    const pub = await alice.playlist.create.mutate({ name: 'Shared', isPublic: true });
    const bob = client(f.url, f.bob);
    expect((await bob.playlist.byId.query({ id: pub.id })).name).toBe('Shared');
    const r = pub.revision;
    const codes = await Promise.all([
      codeOf(bob.playlist.update.mutate({ id: pub.id, revision: r, name: 'Taken' })),
      codeOf(bob.playlist.addSongs.mutate({ id: pub.id, revision: r, songIds: [f.songIds[0]!] })),
      codeOf(bob.playlist.setVisibility.mutate({ id: pub.id, revision: r, isPublic: false })),
      codeOf(bob.playlist.delete.mutate({ id: pub.id, revision: r })),
    ]);
    expect(codes).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
    expect((await alice.playlist.byId.query({ id: pub.id })).name).toBe('Shared');
    // Made private again, it disappears for bob at once (the cached copy is invalidated).
    await alice.playlist.setVisibility.mutate({ id: pub.id, revision: r, isPublic: false });
    expect(await codeOf(bob.playlist.byId.query({ id: pub.id }))).toBe('NOT_FOUND');
  });
});

describe('admin-only procedures', () => {
  it('refuse listeners (FORBIDDEN) and anonymous callers (UNAUTHORIZED); admins succeed', async () => {
    const calls = (c: ReturnType<typeof client>) => [
      () => c.artist.create.mutate({ name: `Artist ${Math.random()}` }),
      () => c.artist.update.mutate({ id: f.artistId, bio: 'Updated' }),
      () => c.album.create.mutate({ title: 'New album', artistId: f.artistId }),
      () => c.album.update.mutate({ id: f.albumId, year: 2022 }),
      () => c.song.create.mutate({ title: 'New song', artistId: f.artistId }),
      () => c.song.update.mutate({ id: f.songIds[1]!, durationSec: 200 }),
      () => c.song.delete.mutate({ id: f.songIds[2]! }),
    ];
    for (const call of calls(client(f.url, f.alice))) expect(await codeOf(call())).toBe('FORBIDDEN');
    for (const call of calls(client(f.url))) expect(await codeOf(call())).toBe('UNAUTHORIZED');
    for (const call of calls(client(f.url, f.admin))) expect(await codeOf(call())).toBe('OK');
  });
});

describe('API keys', () => {
  it('shows the key once, enforces its scopes, cannot manage keys, and dies when revoked', async () => {
    const alice = client(f.url, f.alice);
    const created = await alice.apiKey.create.mutate({ name: 'cli', scopes: ['library:read'] });
    expect(created.key).toMatch(/^ta_[0-9a-f]{8}_/);
    const listed = await alice.apiKey.list.query({});
    expect(listed.items[0]).toMatchObject({ id: created.id, prefix: created.prefix });
    expect(JSON.stringify(listed)).not.toContain(created.key);
    const keyed = client(f.url, { apiKey: created.key });
    expect(await codeOf(keyed.library.likes.query({}))).toBe('OK');
    expect(await codeOf(keyed.library.like.mutate({ songId: f.songIds[0]! }))).toBe('FORBIDDEN');
    expect(await codeOf(keyed.playlist.create.mutate({ name: 'via key' }))).toBe('FORBIDDEN');
    expect(await codeOf(keyed.playlist.mine.query({}))).toBe('FORBIDDEN');
    expect(await codeOf(keyed.apiKey.create.mutate({ name: 'x', scopes: ['library:write'] }))).toBe(
      'UNAUTHORIZED',
    );
    expect(await codeOf(client(f.url, f.bob).apiKey.revoke.mutate({ id: created.id }))).toBe('NOT_FOUND');
    await alice.apiKey.revoke.mutate({ id: created.id });
    expect(await codeOf(keyed.library.likes.query({}))).toBe('UNAUTHORIZED');
  });

  it('lets a key with the write scope act as its owner', async () => {
    const bob = client(f.url, f.bob);
    const { key } = await bob.apiKey.create.mutate({
      name: 'sync',
      scopes: ['library:write', 'library:read', 'playlists:write', 'playlists:read'],
      rateLimitPerMinute: 60,
    });
    const keyed = client(f.url, { apiKey: key });
    await keyed.library.like.mutate({ songId: f.songIds[0]! });
    const likes = await bob.library.likes.query({});
    expect(likes.items.map((l) => l.songId)).toContain(f.songIds[0]);
    const p = await keyed.playlist.create.mutate({ name: 'From a script' });
    expect(p.ownerId).toBe(f.bob.id);
  });
});

describe('social graph', () => {
  it('follows, counts, and blocking hides the blocker and stops follows', async () => {
    const alice = client(f.url, f.alice);
    const bob = client(f.url, f.bob);
    await alice.user.follow.mutate({ userId: f.bob.id });
    expect((await alice.user.byHandle.query({ handle: f.bob.handle })).followerCount).toBe(1);
    const followers = await client(f.url).user.followers.query({ userId: f.bob.id });
    expect(followers.items.map((e) => e.userId)).toEqual([f.alice.id]);
    await bob.user.block.mutate({ userId: f.alice.id });
    expect((await bob.user.byHandle.query({ handle: f.bob.handle })).followerCount).toBe(0);
    expect(await codeOf(alice.user.byHandle.query({ handle: f.bob.handle }))).toBe('NOT_FOUND');
    expect(await codeOf(alice.user.follow.mutate({ userId: f.bob.id }))).toBe('NOT_FOUND');
    expect(await codeOf(alice.user.follow.mutate({ userId: f.alice.id }))).toBe('BAD_REQUEST');
    expect(await codeOf(client(f.url).user.follow.mutate({ userId: f.bob.id }))).toBe('UNAUTHORIZED');
  });
});
