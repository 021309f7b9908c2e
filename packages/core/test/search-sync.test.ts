// The embedded index stays in sync with MongoDB across processes through the search outbox: two
// independent indexes (as two server processes would hold) agree after creates, renames, deletes and
// artist renames made through the ordinary models (no announcement call anywhere); a writer whose
// write becomes visible late, with an old timestamp, or that dies half-way is never missed; plays do
// not touch the outbox or the text index; a stopped sync catches up from its position; readiness
// waits for the catch-up.
import {
  Artist,
  closeSearchChanges,
  generateCatalog,
  insertCatalog,
  mongoose,
  openSearchChanges,
  SearchOutbox,
  SearchSeq,
  Song,
  searchOutboxHead,
  Types,
  trimSearchOutbox,
} from '@tonearm/db';
import { readyMedia, startTestServices, TEST_RENDITIONS, type TestServices } from '@tonearm/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedSearchIndex, SearchSync } from '../src/search';

let svc: TestServices;
let a: SearchSync;
let b: SearchSync;
const SETTLE_MS = 400;

async function eventually(check: () => boolean, ms = 5_000): Promise<number> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - t0;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const finds = (s: SearchSync, q: string, id: string) =>
  s.index.searchSync({ q, kinds: ['song'], limit: 5 }).songs.some((x) => x.id === id);
const both = (q: string, id: string) => finds(a, q, id) && finds(b, q, id);
const neither = (q: string, id: string) => !finds(a, q, id) && !finds(b, q, id);

const mk = () =>
  new SearchSync(new EmbeddedSearchIndex(), { log: svc.log, pollMs: 50, settleAfterMs: SETTLE_MS });

beforeAll(async () => {
  svc = await startTestServices();
  await insertCatalog(generateCatalog({ seed: 5, songs: 300 }));
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

describe('index sync across processes (the outbox)', () => {
  it('loads the whole catalog into each index', () => {
    expect(a.index.size).toBe(b.index.size);
    expect(a.index.size).toBeGreaterThan(300);
    expect(a.index.searchSync({ q: 'bjork', kinds: ['artist'] }).artists[0]?.name).toBe('Björk');
  });

  it('a created song is findable in both, with no announcement call', async () => {
    const id = await createSong('Quixotic Marmalade');
    await eventually(() => both('quixotic marmalade', id));
  });

  it('a renamed song is found by its new title and no longer by its old one', async () => {
    const id = await createSong('Obsidian Lantern');
    await eventually(() => both('obsidian lantern', id));
    await Song.findByIdAndUpdate(id, { $set: { title: 'Vermilion Kettle' } });
    await eventually(() => both('vermilion kettle', id));
    expect(neither('obsidian lantern', id)).toBe(true);
  });

  it('a deleted song disappears from both', async () => {
    const id = await createSong('Tangerine Gallows');
    await eventually(() => both('tangerine gallows', id));
    await Song.deleteOne({ _id: id });
    await eventually(() => neither('tangerine gallows', id));
  });

  it('an artist renamed with updateMany renames every song of theirs in both', async () => {
    const artist = await Artist.create({ name: 'Zanzibar Quartet' });
    const ids: string[] = [];
    for (const t of ['Ochre One', 'Ochre Two', 'Ochre Three']) {
      const s = await Song.create({
        title: t,
        artistId: artist._id,
        artistName: artist.name,
        genre: 'jazz',
        media: readyMedia(`songs/${t}/hls/v1/`),
      });
      ids.push(String(s._id));
    }
    await eventually(() => ids.every((id) => both('zanzibar quartet', id)));
    await Artist.updateOne({ _id: artist._id }, { $set: { name: 'Marrakesh Octet' } });
    await Song.updateMany({ artistId: artist._id }, { $set: { artistName: 'Marrakesh Octet' } });
    await eventually(() => ids.every((id) => both('marrakesh octet', id)));
    expect(ids.some((id) => finds(a, 'zanzibar quartet', id) || finds(b, 'zanzibar quartet', id))).toBe(
      false,
    );
    expect(a.index.searchSync({ q: 'marrakesh octet', kinds: ['artist'] }).artists[0]?.name).toBe(
      'Marrakesh Octet',
    );
  });

  it('an artist created by an upsert that returns the document before (null) is found', async () => {
    const res = await Artist.findOneAndUpdate(
      { name: 'Ultramarine Cartographers' },
      { $setOnInsert: { name: 'Ultramarine Cartographers' } },
      { upsert: true, returnDocument: 'before' },
    );
    expect(res).toBeNull();
    const found = (s: SearchSync) =>
      s.index.searchSync({ q: 'ultramarine cartographers', kinds: ['artist'] }).artists[0]?.name ===
      'Ultramarine Cartographers';
    await eventually(() => found(a) && found(b));
  });

  it('a song that is not playable is not searchable, and becomes so when ready', async () => {
    const id = await createSong('Cobalt Juniper', 'transcoding');
    await sleep(300);
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
    await eventually(() => both('cobalt juniper', id));
  });
});

describe('a writer the clock or the network delays is never missed', () => {
  it('a write stamped an hour in the past is applied', async () => {
    const artist = await Artist.findOne({ name: 'Björk' }).lean();
    const old = new Date(Date.now() - 3_600_000);
    const [doc] = await Song.insertMany([
      {
        title: 'Antique Barometer',
        artistId: artist!._id,
        artistName: artist!.name,
        genre: 'electronic',
        media: readyMedia('songs/antique/hls/v1/'),
        createdAt: old,
        updatedAt: old,
      },
    ]);
    const id = String(doc!._id);
    expect((await Song.findById(id).lean())?.updatedAt?.getTime()).toBeLessThan(Date.now() - 3_000_000);
    await eventually(() => both('antique barometer', id));
  });

  it('a write that becomes visible long after later writes (past the settle timeout) is applied', async () => {
    const id = await createSong('Sluggish Heron');
    await eventually(() => both('sluggish heron', id));
    // Writer 1 announces a rename, then stalls (GC pause, a slow primary) well past the readers'
    // settle timeout; writer 2 writes and finishes meanwhile.
    const seqs = await openSearchChanges('song', [id]);
    const other = await createSong('Nimble Kestrel');
    await eventually(() => both('nimble kestrel', other));
    await sleep(SETTLE_MS * 3);
    // Readers gave up waiting and settled writer 1's entry (re-reading the old title).
    expect((await SearchOutbox.findById(seqs[0]).lean())?.state).toBe('resolved');
    expect(a.status().position).toBeGreaterThanOrEqual(seqs[0]!);
    // Writer 1's write lands now, with an old timestamp, through the native driver.
    await Song.collection.updateOne(
      { _id: new Types.ObjectId(id) },
      { $set: { title: 'Belated Heron', updatedAt: new Date(Date.now() - 600_000) } },
    );
    await closeSearchChanges('song', seqs);
    await eventually(() => both('belated heron', id));
    expect(neither('sluggish heron', id)).toBe(true);
  });

  it('a number taken and never written is voided, and a late insert of it is refused', async () => {
    const taken = await SearchSeq.findOneAndUpdate(
      { _id: 'search' },
      { $inc: { seq: 1 } },
      { returnDocument: 'after' },
    ).lean();
    const seq = taken!.seq;
    const id = await createSong('Patient Albatross');
    // Found at once: a missing number holds only the position, not the entries after it.
    await eventually(() => both('patient albatross', id), SETTLE_MS - 50);
    await eventually(() => a.status().position >= seq && b.status().position >= seq);
    expect((await SearchOutbox.findById(seq).lean())?.state).toBe('void');
    await expect(
      SearchOutbox.collection.insertOne({
        _id: seq,
        kind: 'song',
        ids: [id],
        state: 'done',
        at: new Date(),
      } as never),
    ).rejects.toMatchObject({ code: 11000 });
  });

  it('a writer that died after its catalog write (entry left pending) is covered', async () => {
    const id = await createSong('Orphaned Quince');
    await eventually(() => both('orphaned quince', id));
    await openSearchChanges('song', [id]);
    await Song.collection.updateOne({ _id: new Types.ObjectId(id) }, { $set: { title: 'Adopted Quince' } });
    // No close: the process died. Readers settle the pending entry after the timeout.
    await eventually(() => both('adopted quince', id));
  });

  it('ignores ids that are not object ids', async () => {
    const before = a.index.size;
    const { seq } = await searchOutboxHead();
    await SearchOutbox.collection.insertOne({
      _id: seq + 1,
      kind: 'song',
      ids: ['$where', 'x'.repeat(5000), String(new Types.ObjectId())],
      state: 'done',
      at: new Date(),
    } as never);
    await SearchSeq.updateOne({ _id: 'search' }, { $max: { seq: seq + 1 } });
    await eventually(() => a.status().position >= seq + 1);
    expect(a.index.size).toBe(before);
    expect(a.index.searchSync({ q: 'acdc', kinds: ['artist'] }).artists[0]?.name).toBe('AC/DC');
  });
});

describe('plays do not re-index', () => {
  it('a play (the stats job’s update) and a like write no outbox entry; popularity refreshes apart', async () => {
    const id = await createSong('Humming Turnstile');
    await eventually(() => both('humming turnstile', id));
    const head = await searchOutboxHead();
    const applied = a.applied;
    for (let i = 0; i < 20; i++)
      await Song.updateOne(
        { _id: id, pendingPlays: mongoose.trusted({ $ne: `ev${i}` }) as unknown as string },
        { $inc: { playCount: 1 }, $push: { pendingPlays: `ev${i}` } },
      );
    await Song.updateOne({ _id: id }, { $pull: { pendingPlays: 'ev1' } });
    await Song.updateOne({ _id: id }, { $inc: { likeCount: 1 } });
    await sleep(300);
    expect((await searchOutboxHead()).seq).toBe(head.seq);
    expect(a.applied).toBe(applied);
    expect(a.index.get('song', id)?.playCount).toBe(0);
    expect(await a.refreshPopularity()).toBeGreaterThanOrEqual(1);
    expect(a.index.get('song', id)?.playCount).toBe(20);
  });
});

describe('restart and readiness', () => {
  it('a stopped sync catches up from its position without reloading', async () => {
    const c = mk();
    expect(c.caughtUp()).toBe(false);
    await expect(c.ready()).rejects.toThrow(/not caught up/);
    await c.start();
    await c.ready();
    const keep = await createSong('Steadfast Lighthouse');
    await eventually(() => finds(c, 'steadfast lighthouse', keep));
    await c.stop();
    const pos = c.status().position;
    const created = await createSong('Wandering Compass');
    await Song.updateOne({ _id: keep }, { $set: { title: 'Relocated Lighthouse' } });
    await sleep(200);
    expect(finds(c, 'wandering compass', created)).toBe(false);
    const applied = c.applied;
    await c.start();
    // start() polls once before it returns: caught up on return.
    expect(finds(c, 'wandering compass', created)).toBe(true);
    expect(finds(c, 'relocated lighthouse', keep)).toBe(true);
    expect(c.applied - applied).toBeGreaterThanOrEqual(2);
    expect(c.status().position).toBeGreaterThan(pos);
    expect(c.caughtUp()).toBe(true);
    expect(c.caughtUp(Date.now() + 60_000)).toBe(false);
    await c.stop();
  });

  it('a sync left behind a trimmed outbox reloads instead of missing entries', async () => {
    const c = mk();
    await c.start();
    await c.stop();
    const id = await createSong('Forgotten Sextant');
    await eventually(() => both('forgotten sextant', id));
    await sleep(100);
    const trimmed = await trimSearchOutbox(0);
    expect(trimmed).toBeGreaterThan(0);
    expect((await searchOutboxHead()).trimmedThrough).toBeGreaterThan(c.status().position);
    await c.start();
    expect(finds(c, 'forgotten sextant', id)).toBe(true);
    await c.stop();
  });
});
