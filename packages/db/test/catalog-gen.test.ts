// The demo catalog generator: deterministic, scalable, with the near-collisions search must survive,
// and idempotent bulk insertion next to the skeleton seed.
import { startTestServices, type TestServices } from '@tonearm/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Album, Artist, generateCatalog, insertCatalog, NEAR_COLLISIONS, Song, seedSkeleton } from '../src';

let svc: TestServices;
beforeAll(async () => {
  svc = await startTestServices();
});
afterAll(() => svc?.close());

describe('generateCatalog', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = generateCatalog({ seed: 7, songs: 500 });
    const b = generateCatalog({ seed: 7, songs: 500 });
    const c = generateCatalog({ seed: 8, songs: 500 });
    expect(a.songs.map((s) => `${s._id}${s.title}${s.artistName}`)).toEqual(
      b.songs.map((s) => `${s._id}${s.title}${s.artistName}`),
    );
    expect(c.songs.slice(60).map((s) => s.title)).not.toEqual(a.songs.slice(60).map((s) => s.title));
  });

  it('scales to 100,000 songs with unique artist names and consistent references', () => {
    const t0 = performance.now();
    const cat = generateCatalog({ seed: 1, songs: 100_000 });
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(cat.songs).toHaveLength(100_000);
    expect(new Set(cat.artists.map((a) => a.name)).size).toBe(cat.artists.length);
    expect(new Set(cat.songs.map((s) => String(s._id))).size).toBe(100_000);
    const albums = new Map(cat.albums.map((a) => [String(a._id), a]));
    for (const s of cat.songs.slice(0, 5_000)) {
      const al = albums.get(String(s.albumId));
      expect(al?.title).toBe(s.albumTitle);
      expect(String(al?.artistId)).toBe(String(s.artistId));
    }
    // Realistic spread: hundreds of artists and albums, not one giant album.
    expect(cat.artists.length).toBeGreaterThan(2_000);
    expect(cat.albums.length).toBeGreaterThan(6_000);
  });

  it('contains punctuation, diacritics and near-collision twins, the famous one far more played', () => {
    const cat = generateCatalog({ songs: 200 });
    const byName = new Map(cat.artists.map((a) => [a.name, a]));
    for (const n of ['AC/DC', 'R.E.M.', 'a-ha', 'Björk', 'Bad Bunny', 'Sigur Rós', "Guns N' Roses"])
      expect(byName.has(n), n).toBe(true);
    for (const [famous, twin] of NEAR_COLLISIONS) {
      expect(byName.get(famous)!.playCount).toBeGreaterThan(10 * byName.get(twin)!.playCount);
    }
    expect(cat.songs.length).toBe(200);
  });
});

describe('insertCatalog', () => {
  it('inserts in bulk, is idempotent, and reuses the skeleton artists instead of duplicating them', async () => {
    await seedSkeleton();
    const cat = generateCatalog({ seed: 3, songs: 2_000 });
    const first = await insertCatalog(cat);
    expect(first.songs).toBeGreaterThan(1_900);
    const again = await insertCatalog(cat);
    expect(again.songs).toBe(0);
    expect(await Song.countDocuments()).toBe(2_000);
    expect(await Artist.countDocuments({ name: 'Bad Bunny' })).toBe(1);
    expect(await Album.countDocuments({ title: 'Un Verano Sin Ti' })).toBe(1);
    await seedSkeleton();
    expect(await Song.countDocuments()).toBe(2_000);
    const bunny = await Artist.findOne({ name: 'Bad Bunny' }).lean();
    expect(await Song.countDocuments({ artistId: bunny!._id })).toBeGreaterThanOrEqual(6);
  });
});
