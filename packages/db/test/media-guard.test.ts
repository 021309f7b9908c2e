// The guard "no song is ever ready without media" on every write path of the Song model, against the
// real MongoDB stand-in: create, insertMany, updateOne/updateMany/findOneAndUpdate, bulkWrite; and
// the generated catalog's native bulk insert checks each document too.
import { startTestServices, type TestServices } from '@tonearm/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  generateCatalog,
  insertCatalog,
  mongoose,
  ReadyWithoutMediaError,
  SEED_MEDIA,
  Song,
  Types,
} from '../src';

let svc: TestServices;
beforeAll(async () => {
  svc = await startTestServices();
});
afterAll(() => svc?.close());

const base = () => ({ title: 'Guarded', artistId: new Types.ObjectId(), artistName: 'Someone' });
const media = { hlsPrefix: 'songs/x/hls/v1/', renditions: SEED_MEDIA.record.renditions };

describe('no song is ready without media', () => {
  it('refuses create and insertMany of a ready song without prefix and renditions', async () => {
    await expect(Song.create({ ...base(), media: { status: 'ready' } })).rejects.toBeInstanceOf(
      ReadyWithoutMediaError,
    );
    await expect(
      Song.create({ ...base(), media: { status: 'ready', hlsPrefix: 'songs/x/', renditions: [] } }),
    ).rejects.toThrow(/without media/);
    await expect(Song.insertMany([{ ...base(), media: { status: 'ready' } }])).rejects.toThrow(
      /without media/,
    );
    const ok = await Song.create({ ...base(), media: { status: 'ready', ...media } });
    expect(ok.media?.status).toBe('ready');
  });

  it('refuses an update that flips status to ready without media, on every update path', async () => {
    const s = await Song.create({ ...base() });
    await expect(Song.updateOne({ _id: s._id }, { $set: { 'media.status': 'ready' } })).rejects.toThrow(
      /without media/,
    );
    await expect(Song.updateMany({}, { $set: { 'media.status': 'ready' } })).rejects.toThrow(/without media/);
    await expect(
      Song.findOneAndUpdate({ _id: s._id }, { $set: { 'media.status': 'ready', 'media.hlsPrefix': 'p/' } }),
    ).rejects.toThrow(/without media/);
    await expect(Song.updateOne({ _id: s._id }, { $set: { media: { status: 'ready' } } })).rejects.toThrow(
      /without media/,
    );
    await expect(
      Song.bulkWrite([
        { updateOne: { filter: { _id: s._id }, update: { $set: { 'media.status': 'ready' } } } },
      ]),
    ).rejects.toThrow(/without media/);
    expect((await Song.findById(s._id).lean())?.media?.status).toBe('uploaded');
    await Song.updateOne(
      { _id: s._id },
      {
        $set: {
          'media.status': 'ready',
          'media.hlsPrefix': media.hlsPrefix,
          'media.renditions': media.renditions,
        },
      },
    );
    expect((await Song.findById(s._id).lean())?.media?.status).toBe('ready');
  });

  it('the generated catalog gives every ready song the shared ladder it was handed', async () => {
    const cat = generateCatalog({ seed: 99, songs: 60 });
    const shared = { ...SEED_MEDIA, hlsPrefix: 'seed/test/hls/v1/', durationSec: 12.5 };
    await insertCatalog(cat, { media: shared });
    const ids = cat.songs.map((s) => s._id);
    const ready = await Song.find({ _id: mongoose.trusted({ $in: ids }), 'media.status': 'ready' }).lean();
    expect(ready.length).toBeGreaterThan(40);
    for (const s of ready) {
      expect(s.media?.hlsPrefix).toBe('seed/test/hls/v1/');
      expect(s.media?.renditions?.length).toBe(4);
      expect(s.durationSec).toBe(12.5);
    }
    const unready = await Song.find({
      _id: mongoose.trusted({ $in: ids }),
      'media.status': mongoose.trusted({ $ne: 'ready' }),
    }).lean();
    for (const s of unready) expect(s.media?.hlsPrefix ?? null).toBeNull();
  });
});
