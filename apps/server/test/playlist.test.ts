// Playlists end to end over HTTP: ordered edits, optimistic concurrency on `revision`, privacy.
import { Playlist } from '@tonearm/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, codeOf, type Fixture, setup } from './helpers';

let f: Fixture;
beforeAll(async () => {
  f = await setup(6);
});
afterAll(() => f?.close());

describe('playlist', () => {
  it('adds, moves and removes entries, each edit bumping the revision', async () => {
    const alice = client(f.url, f.alice);
    let p = await alice.playlist.create.mutate({ name: 'Road trip' });
    expect(p.revision).toBe(0);
    p = await alice.playlist.addSongs.mutate({ id: p.id, revision: 0, songIds: f.songIds.slice(0, 4) });
    expect(p.revision).toBe(1);
    expect(p.entries.map((e) => e.songId)).toEqual(f.songIds.slice(0, 4));
    p = await alice.playlist.addSongs.mutate({
      id: p.id,
      revision: 1,
      songIds: [f.songIds[5]!],
      position: 0,
    });
    expect(p.entries[0]!.songId).toBe(f.songIds[5]);
    const last = p.entries.at(-1)!;
    p = await alice.playlist.move.mutate({ id: p.id, revision: 2, entryId: last.entryId, toIndex: 1 });
    expect(p.entries.map((e) => e.songId)).toEqual([f.songIds[5], f.songIds[3], ...f.songIds.slice(0, 3)]);
    p = await alice.playlist.removeEntry.mutate({ id: p.id, revision: 3, entryId: p.entries[0]!.entryId });
    expect(p.entries).toHaveLength(4);
    expect(p.revision).toBe(4);
    const read = await alice.playlist.byId.query({ id: p.id });
    expect(read.entries.map((e) => e.song?.title)).toEqual(['Track 4', 'Track 1', 'Track 2', 'Track 3']);
  });

  it('rejects an edit made against a stale revision with CONFLICT and changes nothing', async () => {
    const alice = client(f.url, f.alice);
    const p = await alice.playlist.create.mutate({ name: 'Race' });
    const a = await alice.playlist.addSongs.mutate({ id: p.id, revision: 0, songIds: [f.songIds[0]!] });
    const err = await alice.playlist.addSongs
      .mutate({ id: p.id, revision: 0, songIds: [f.songIds[1]!] })
      .catch((e: { data: { code: string; details?: { currentRevision: number } } }) => e.data);
    expect(err).toMatchObject({ code: 'CONFLICT', details: { currentRevision: 1 } });
    const doc = await Playlist.findById(p.id).lean();
    expect(doc?.entries.map((e) => String(e.songId))).toEqual([f.songIds[0]]);
    expect(a.revision).toBe(1);
  });

  it('lets exactly one of 20 concurrent edits at the same revision win', async () => {
    const alice = client(f.url, f.alice);
    const p = await alice.playlist.create.mutate({ name: 'Concurrent' });
    const results = await Promise.all(
      f.songIds
        .concat(f.songIds, f.songIds, f.songIds)
        .slice(0, 20)
        .map((s) => codeOf(alice.playlist.addSongs.mutate({ id: p.id, revision: 0, songIds: [s] }))),
    );
    expect(results.filter((r) => r === 'OK')).toHaveLength(1);
    expect(results.filter((r) => r === 'CONFLICT')).toHaveLength(19);
    const doc = await Playlist.findById(p.id).lean();
    expect(doc?.entries).toHaveLength(1);
    expect(doc?.revision).toBe(1);
  });

  it('rejects unknown songs without writing', async () => {
    const alice = client(f.url, f.alice);
    const p = await alice.playlist.create.mutate({ name: 'Unknown' });
    const code = await codeOf(
      alice.playlist.addSongs.mutate({ id: p.id, revision: 0, songIds: ['0123456789abcdef01234567'] }),
    );
    expect(code).toBe('BAD_REQUEST');
    expect((await Playlist.findById(p.id).lean())?.revision).toBe(0);
  });

  it('pages mine and byUser with opaque cursors; byUser shows public ones only', async () => {
    const bob = client(f.url, f.bob);
    for (let i = 0; i < 5; i++) await bob.playlist.create.mutate({ name: `P${i}`, isPublic: i % 2 === 0 });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await bob.playlist.mine.query({ limit: 2, cursor });
      seen.push(...page.items.map((p) => p.name));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(['P4', 'P3', 'P2', 'P1', 'P0']);
    const pub = await client(f.url).playlist.byUser.query({ userId: f.bob.id, limit: 10 });
    expect(pub.items.map((p) => p.name)).toEqual(['P4', 'P2', 'P0']);
    const bad = await codeOf(bob.playlist.mine.query({ limit: 2, cursor: 'bm9wZQ' }));
    expect(bad).toBe('BAD_REQUEST');
  });
});
