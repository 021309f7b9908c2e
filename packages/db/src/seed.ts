// Demo catalog seeding: a small fixed catalog the smoke tests rely on. The scalable generator (names,
// near-collisions, play logs) is catalog-gen.ts.
import { Album, Artist, Song } from './models';

export type SeedResult = { artists: number; albums: number; songs: number };

export const SKELETON_CATALOG = [
  {
    artist: 'Bad Bunny',
    album: 'Un Verano Sin Ti',
    genre: 'reggaeton',
    songs: ['Tití Me Preguntó', 'Me Porto Bonito'],
  },
  { artist: 'Björk', album: 'Homogenic', genre: 'electronic', songs: ['Jóga', 'Bachelorette'] },
  { artist: 'AC/DC', album: 'Back in Black', genre: 'rock', songs: ['Hells Bells', 'Back in Black'] },
];

export async function seedSkeleton(): Promise<SeedResult> {
  let plays = 1000;
  let songs = 0;
  for (const entry of SKELETON_CATALOG) {
    const artist = await Artist.findOneAndUpdate(
      { name: entry.artist },
      { $setOnInsert: { name: entry.artist, genres: [entry.genre] } },
      { upsert: true, returnDocument: 'after' },
    );
    const album = await Album.findOneAndUpdate(
      { title: entry.album, artistId: artist._id },
      {
        $setOnInsert: {
          title: entry.album,
          artistId: artist._id,
          artistName: artist.name,
          genre: entry.genre,
        },
      },
      { upsert: true, returnDocument: 'after' },
    );
    for (const [i, title] of entry.songs.entries()) {
      await Song.updateOne(
        { title, albumId: album._id },
        {
          $setOnInsert: {
            title,
            artistId: artist._id,
            artistName: artist.name,
            albumId: album._id,
            albumTitle: album.title,
            trackNumber: i + 1,
            genre: entry.genre,
            durationSec: 180,
            playCount: plays,
          },
        },
        { upsert: true },
      );
      songs++;
      plays -= 37;
    }
  }
  return { artists: SKELETON_CATALOG.length, albums: SKELETON_CATALOG.length, songs };
}
