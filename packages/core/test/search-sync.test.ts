// The embedded index stays in sync with MongoDB across processes: two independent indexes (as two
// server processes would hold), each with its own Redis subscription, agree within 2 s after a
// create, a rename and a delete; lost notifications are covered by the catch-up poll and reconcile.
import { Artist, generateCatalog, insertCatalog, Song, Types } from '@tonearm/db';
import { readyMedia, startTestServices, TEST_RENDITIONS, type TestServices } from '@tonearm/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedSearchIndex, publishSearchChanges, SearchSync } from '../src/search';

let svc: TestServices;
let a: SearchSync;
let b: SearchSync;
let channel: string;

async function eventually(check: () => boolean, ms = 2_000): Promise<number> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - t0;
}

const finds = (s: SearchSync, q: string, id: string) =>
  s.index.searchSync({ q, kinds: ['song'], limit: 5 }).songs.some((x) => x.id === id);

beforeAll(async () => {
  svc = await startTestServices();
  await insertCatalog(generateCatalog({ seed: 5, songs: 300 }));
  channel = `${svc.prefix}:search:changes`;
  // Polls far apart: what these tests see within 2 s came through pub/sub.
  const mk = () =>
    new SearchSync(new EmbeddedSearchIndex(), { redis: svc.redis, log: svc.log, channel, pollMs: 60_000 });
  a = mk();
  b = mk();
  await Promise.all([a.start(), b.start()]);
});
afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await svc?.close();
});

async function createSong(title: string, status: 'ready' | 'transcoding' = 'ready') {
  const artist = await Artist.findOne({ name: 'Björk' }).lean();
  const song = await Song.create({
    title,
    artistId: artist!._id,
    artistName: artist!.name,
    genre: 'electronic',
    media: status === 'ready' ? readyMedia(`songs/${title}/hls/v1/`) : { status },
  });
  return String(song._id);
}

describe('index sync across processes', () => {
  it('loads the whole catalog into each index', () => {
    expect(a.index.size).toBe(b.index.size);
    expect(a.index.searchSync({ q: 'bjork', kinds: ['artist'] }).artists[0]?.name).toBe('Björk');
  });

  it('a created song is findable in both within 2 s', async () => {
    const id = await createSong('Quixotic Marmalade');
    await publishSearchChanges(svc.redis, [{ kind: 'song', id, op: 'upsert' }], channel);
    const took = await eventually(
      () => finds(a, 'quixotic marmalade', id) && finds(b, 'quixotic marmalade', id),
    );
    expect(took).toBeLessThan(2_000);
  });

  it('a renamed song is found by its new title and no longer by its old one', async () => {
    const id = await createSong('Obsidian Lantern');
    await publishSearchChanges(svc.redis, [{ kind: 'song', id, op: 'upsert' }], channel);
    await eventually(() => finds(a, 'obsidian lantern', id) && finds(b, 'obsidian lantern', id));
    await Song.updateOne({ _id: id }, { $set: { title: 'Vermilion Kettle' } });
    await publishSearchChanges(svc.redis, [{ kind: 'song', id, op: 'upsert' }], channel);
    await eventually(() => finds(a, 'vermilion kettle', id) && finds(b, 'vermilion kettle', id));
    expect(finds(a, 'obsidian lantern', id)).toBe(false);
    expect(finds(b, 'obsidian lantern', id)).toBe(false);
  });

  it('a deleted song disappears from both', async () => {
    const id = await createSong('Tangerine Gallows');
    await publishSearchChanges(svc.redis, [{ kind: 'song', id, op: 'upsert' }], channel);
    await eventually(() => finds(a, 'tangerine gallows', id) && finds(b, 'tangerine gallows', id));
    await Song.deleteOne({ _id: id });
    await publishSearchChanges(svc.redis, [{ kind: 'song', id, op: 'delete' }], channel);
    await eventually(() => !finds(a, 'tangerine gallows', id) && !finds(b, 'tangerine gallows', id));
  });

  it('a song that is not playable is not searchable, and becomes so when ready', async () => {
    const id = await createSong('Cobalt Juniper', 'transcoding');
    await publishSearchChanges(svc.redis, [{ kind: 'song', id, op: 'upsert' }], channel);
    await new Promise((r) => setTimeout(r, 300));
    expect(finds(a, 'cobalt juniper', id)).toBe(false);
    await Song.updateOne(
      { _id: id },
      {
        $set: {
          'media.status': 'ready',
          'media.hlsPrefix': `songs/${id}/hls/v1/`,
          'media.renditions': TEST_RENDITIONS,
        },
      },
    );
    await publishSearchChanges(svc.redis, [{ kind: 'song', id, op: 'upsert' }], channel);
    await eventually(() => finds(a, 'cobalt juniper', id) && finds(b, 'cobalt juniper', id));
  });

  it('an upsert announced for an id that no longer exists removes it', async () => {
    const id = await createSong('Saffron Periscope');
    await a.apply([{ kind: 'song', id, op: 'upsert' }]);
    await Song.deleteOne({ _id: id });
    await a.apply([{ kind: 'song', id, op: 'upsert' }]);
    expect(finds(a, 'saffron periscope', id)).toBe(false);
  });
});

describe('without notifications', () => {
  it('the catch-up poll finds a create and a rename within 2 s', async () => {
    const c = new SearchSync(new EmbeddedSearchIndex(), {
      redis: svc.redis,
      log: svc.log,
      channel: `${channel}:unused`,
      pollMs: 250,
    });
    await c.start();
    try {
      const id = await createSong('Lavender Hydrant');
      await eventually(() => finds(c, 'lavender hydrant', id));
      await Song.updateOne({ _id: id }, { $set: { title: 'Periwinkle Turbine' } });
      await eventually(() => finds(c, 'periwinkle turbine', id));
      expect(finds(c, 'lavender hydrant', id)).toBe(false);
    } finally {
      await c.stop();
    }
  });

  it('the reconcile drops a deleted song nobody announced', async () => {
    const id = await createSong('Mahogany Spindle');
    await a.apply([{ kind: 'song', id, op: 'upsert' }]);
    expect(finds(a, 'mahogany spindle', id)).toBe(true);
    await Song.deleteOne({ _id: id });
    expect(await a.reconcile()).toBeGreaterThanOrEqual(1);
    expect(finds(a, 'mahogany spindle', id)).toBe(false);
    // Only the deleted song went: artists and albums (ids of other collections) survive a reconcile.
    expect(await a.reconcile()).toBe(0);
    expect(a.index.searchSync({ q: 'bjork', kinds: ['artist'] }).artists[0]?.name).toBe('Björk');
    expect(a.index.searchSync({ q: 'homogenic', kinds: ['album'] }).albums[0]?.title).toBe('Homogenic');
  });

  it('ignores malformed notifications', async () => {
    const before = a.index.size;
    await svc.redis.publish(channel, 'not json');
    await publishSearchChanges(svc.redis, [{ kind: 'song', id: '$where', op: 'delete' }], channel);
    await publishSearchChanges(
      svc.redis,
      [{ kind: 'song', id: String(new Types.ObjectId()), op: 'upsert' }],
      channel,
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(a.index.size).toBe(before);
    expect(a.index.searchSync({ q: 'acdc', kinds: ['artist'] }).artists[0]?.name).toBe('AC/DC');
  });
});
