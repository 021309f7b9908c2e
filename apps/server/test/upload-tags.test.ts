// A browser upload follows the import's rules (issue 15): upload.finalize decides the format by the
// bytes, reads the tags, links the song to a real album and artists (what the person typed wins for
// title, artist and album; MusicBrainz ids, ReplayGain, lyrics and the cover come from the file), and
// a FLAC upload is accepted whatever content type was declared. Bad input is refused, nothing left.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Album, Artist, Song, type SongDoc } from '@tonearm/db';
import { MB, makeCoverPng, makeTaggedFile } from '@tonearm/testing/audio-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MediaHarness, startMediaHarness } from './media-harness';

let h: MediaHarness;
const work = mkdtempSync(join(tmpdir(), 'tonearm-upload-tags-'));

beforeAll(async () => {
  h = await startMediaHarness({ maxDurationSec: 60 });
}, 120_000);
afterAll(async () => {
  await h?.close();
});

describe('upload.finalize reads tags', () => {
  it('a tagged FLAC lands on its album with its MusicBrainz ids, ReplayGain, lyrics and cover job', async () => {
    const cover = makeCoverPng(join(work, 'c.png'));
    const file = makeTaggedFile(work, 'tagged', 'flac', {
      title: 'Tagged Title',
      artist: 'Test Artist',
      album: 'Uploaded Album',
      albumArtist: 'Test Artist',
      track: 4,
      disc: 1,
      year: 1999,
      genre: 'Jazz',
      lyrics: 'words',
      cover,
      mb: true,
      seconds: 3,
    });
    const up = await h.upload(file, { title: 'Typed Title' });
    expect(await up.finalize).toMatchObject({ status: 'transcoding' });
    const song = (await Song.findById(up.songId).lean<SongDoc>())!;
    expect(song).toMatchObject({
      title: 'Typed Title',
      artistName: 'Test Artist',
      albumTitle: 'Uploaded Album',
      trackNumber: 4,
      year: 1999,
      genres: ['Jazz'],
      lyrics: 'words',
      mbRecordingId: MB.recording,
      replayGain: { trackGainDb: -6.5 },
    });
    expect(song.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(song.media?.sourceCodec).toBe('flac');
    const album = await Album.findById(song.albumId).lean();
    expect(album).toMatchObject({ title: 'Uploaded Album', mbReleaseId: MB.release, trackCount: 1 });
    expect(await h.media.storage.list(`covers/source/album/${album!._id}/`)).toHaveLength(1);
    // The artist upload.create made from the typed name was adopted by the tags' MusicBrainz id, not
    // duplicated (the fixture gives artist and album artist two different ids: two entities).
    expect(await Artist.countDocuments({ nameKey: 'test artist', mbArtistId: null })).toBe(0);
    expect(await Artist.countDocuments({ nameKey: 'test artist' })).toBe(2);
  }, 60_000);

  it('three uploads of one album finalized at once land on ONE album, in track order, with its cover', async () => {
    const cover = makeCoverPng(join(work, 'c3.png'));
    const album = `Concurrent Album ${Date.now()}`;
    // Three track artists; only the first file carries the album artist tag. The browser sends the
    // album artist it showed (harmonised over the folder) with each file.
    const files = [
      makeTaggedFile(work, 'c1', 'mp3-id3v24', {
        title: 'One',
        artist: 'Composer A',
        album,
        albumArtist: 'The Ensemble',
        track: 1,
        cover,
      }),
      makeTaggedFile(work, 'c2', 'flac', { title: 'Two', artist: 'Composer B', album, track: 2 }),
      makeTaggedFile(work, 'c3', 'vorbis', { title: 'Three', artist: 'Composer C', album, track: 3 }),
    ];
    const artists = ['Composer A', 'Composer B', 'Composer C'];
    const ups = await Promise.all(
      files.map((f, i) =>
        h.upload(f, {
          title: ['One', 'Two', 'Three'][i],
          artistName: artists[i],
          albumTitle: album,
          albumArtist: 'The Ensemble',
          trackNumber: i + 1,
          discNumber: 1,
        }),
      ),
    );
    await Promise.all(ups.map((u) => u.finalize));
    const songs = await Promise.all(ups.map((u) => Song.findById(u.songId).lean<SongDoc>()));
    expect(new Set(songs.map((s) => String(s?.albumId))).size).toBe(1);
    const albums = await Album.find({ title: album }).lean();
    expect(albums).toHaveLength(1);
    // Grouped by the album artist sent with each file, not by each file's first artist.
    expect(albums[0]).toMatchObject({ artistName: 'The Ensemble', trackCount: 3 });
    const ordered = await Song.find({ albumId: albums[0]!._id })
      .sort({ discNumber: 1, trackNumber: 1 })
      .lean();
    expect(ordered.map((s) => [s.title, s.artistName, s.trackNumber])).toEqual([
      ['One', 'Composer A', 1],
      ['Two', 'Composer B', 2],
      ['Three', 'Composer C', 3],
    ]);
    expect(await Artist.countDocuments({ nameKey: 'ensemble' })).toBe(1);
    // Only the MP3 embeds a picture: its cover feeds the album's cover job.
    expect(await h.media.storage.list(`covers/source/album/${albums[0]!._id}/`)).toHaveLength(1);
  }, 90_000);

  it('a text file declared as audio is refused with a reason and leaves nothing', async () => {
    const file = join(work, 'notes.flac');
    writeFileSync(file, 'not music\n'.repeat(100));
    const { songId, finalize } = await h.upload(file);
    const err = (await finalize.catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/not playable audio/);
    expect(await Song.findById(songId).lean()).toBeNull();
    // At most the tombstone that keeps the create-only upload URL from writing again (swept later).
    for (const o of await h.media.storage.list(`uploads/${songId}/`))
      expect(await h.media.storage.isTombstone(o.key)).toBe(true);
  });
});
