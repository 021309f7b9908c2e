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
