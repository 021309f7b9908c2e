// The upload page's reading of picked files (issue 15), on real bytes: generated tagged files of each
// format are read by music-metadata's parseBlob (the browser API; here its Node entry on Node's File —
// the browser bundle itself is walked by e2e/import-upload.spec.ts) and mapped with
// the import's own mapping; non-audio, empty, too-big and unreadable files are refused with a reason
// before anything is sent; a folder's tracks missing the album artist get the folder's.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FixtureFormat, makeCoverPng, makeTaggedFile } from '@tonearm/testing/audio-fixtures';
import { harmoniseAlbumGroups } from '@tonearm/validators/tags';
import { describe, expect, it } from 'vitest';
import { fieldProblem } from '../lib/hooks/use-upload';
import { precheck, readTags } from '../lib/upload/read-tags';

const work = mkdtempSync(join(tmpdir(), 'tonearm-upload-read-'));
const fileOf = (path: string, name = path.split('/').pop()!) => new File([readFileSync(path)], name);

describe('readTags (browser side of the upload page)', () => {
  const cover = makeCoverPng(join(work, 'c.png'));
  const cases: [FixtureFormat, string][] = [
    ['mp3-id3v24', 'MP3'],
    ['mp3-id3v23', 'MP3'],
    ['flac', 'FLAC'],
    ['vorbis', 'Ogg Vorbis'],
    ['opus', 'Opus'],
    ['aac', 'AAC'],
    ['alac', 'ALAC'],
    ['wav', 'WAV'],
    ['aiff', 'AIFF'],
  ];
  for (const [format, label] of cases)
    it(`reads ${format} as ${label} with its tags`, async () => {
      const withCover = ['mp3-id3v24', 'flac'].includes(format);
      const path = makeTaggedFile(work, `t-${format}`, format, {
        title: `Title ${format}`,
        artist: 'Some Artist',
        album: 'Some Album',
        albumArtist: 'Album Person',
        track: 7,
        disc: 2,
        seconds: 2,
        ...(withCover ? { cover } : {}),
      });
      const res = await readTags(fileOf(path), `Folder/${path.split('/').pop()}`);
      if (!res.ok) throw new Error(res.reason);
      expect(res.format).toBe(label);
      // WAV/AIFF carry what ffmpeg writes into their INFO/ID3 chunks: at least the title.
      expect(res.tags.title).toBe(`Title ${format}`);
      if (!['wav', 'aiff'].includes(format))
        expect(res.tags).toMatchObject({
          artists: ['Some Artist'],
          album: 'Some Album',
          albumArtist: 'Album Person',
          trackNumber: 7,
          discNumber: 2,
        });
      if (withCover) expect(res.tags.picture?.mime).toBe('image/png');
    });

  it('refuses a text file named .flac, with the reason', async () => {
    const p = join(work, 'notes.flac');
    writeFileSync(p, 'not music\n'.repeat(100));
    const res = await readTags(fileOf(p), 'notes.flac');
    expect(res).toMatchObject({ ok: false, reason: expect.stringMatching(/^Not playable audio/) });
  });

  it('refuses non-audio, empty and too-big files before reading them', () => {
    expect(precheck(new File(['x'], 'readme.txt'))).toMatch(/^Not an audio file \(\.txt\)/);
    expect(precheck(new File(['x'], 'cover.jpg'))).toMatch(/^An image, not music/);
    expect(precheck(new File([], 'empty.mp3'))).toBe('The file is empty.');
    expect(precheck(new File([new Uint8Array(3 * 1024 * 1024)], 'big.flac'), 2 * 1024 * 1024)).toBe(
      'The file is 3 MB, over the 2 MB upload limit.',
    );
    expect(precheck(new File(['x'], 'song.opus'))).toBeNull();
  });

  it('fills a missing album artist from the folder, as the import does', async () => {
    const a = makeTaggedFile(work, 'h1', 'flac', {
      title: 'A',
      artist: 'X',
      album: 'Same',
      albumArtist: 'Band',
      track: 1,
    });
    const b = makeTaggedFile(work, 'h2', 'vorbis', { title: 'B', artist: 'Y', album: 'Same', track: 2 });
    const ra = await readTags(fileOf(a), 'Same/h1.flac');
    const rb = await readTags(fileOf(b), 'Same/h2.ogg');
    if (!ra.ok || !rb.ok) throw new Error('unreadable fixture');
    expect(rb.tags.albumArtist).toBeNull();
    harmoniseAlbumGroups([
      { folder: 'Same', tags: ra.tags },
      { folder: 'Same', tags: rb.tags },
    ]);
    expect(rb.tags.albumArtist).toBe('Band');
  });

  it('checks the edited fields before sending', () => {
    const ok = { title: 'T', artist: 'A', album: '', albumArtist: '', disc: '1', track: '3' };
    expect(fieldProblem(ok)).toBeNull();
    expect(fieldProblem({ ...ok, title: '  ' })).toMatchObject({ field: 'title' });
    expect(fieldProblem({ ...ok, artist: '' })).toMatchObject({ field: 'artist' });
    expect(fieldProblem({ ...ok, track: 'x' })).toMatchObject({ field: 'track' });
    expect(fieldProblem({ ...ok, track: '0' })).toMatchObject({ field: 'track' });
    expect(fieldProblem({ ...ok, disc: '100' })).toMatchObject({ field: 'disc' });
  });
});
