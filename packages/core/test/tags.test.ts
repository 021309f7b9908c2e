// Tag reading on real files: ffmpeg-made tones in every accepted format, tagged as real taggers do
// (ID3v2.3 via node-id3, ID3v2.4 and MP4 atoms via ffmpeg, Vorbis comments with a picture block).
// Each field must land where it belongs; bad inputs are refused with a reason, by content not name.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type FixtureFormat,
  MB,
  makeBadFiles,
  makeCoverPng,
  makeTaggedFile,
} from '@tonearm/testing/audio-fixtures';
import { afterAll, describe, expect, it } from 'vitest';
import { albumGroupKey, harmoniseFolders, nameKey, readTrackFile, SkipError } from '../src';

const dir = mkdtempSync(join(tmpdir(), 'tonearm-tags-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cover = makeCoverPng(join(dir, 'art.png'));

const base = {
  title: 'Tone Poem',
  artist: 'The Sine Waves',
  album: 'Frequencies',
  albumArtist: 'Sine Collective',
  track: 3,
  trackTotal: 9,
  disc: 2,
  discTotal: 2,
  year: 2001,
  genre: 'Ambient',
  lyrics: 'la la la',
  cover,
  mb: true,
};

describe('readTrackFile', () => {
  it.each<[FixtureFormat, string]>([
    ['mp3-id3v23', 'mp3'],
    ['mp3-id3v24', 'mp3'],
    ['flac', 'flac'],
    ['vorbis', 'vorbis'],
    ['opus', 'opus'],
    ['aac', 'aac'],
    ['alac', 'alac'],
    ['wav', 'wav'],
    ['aiff', 'aiff'],
  ])('%s: format by content and the common tags', async (fmt, format) => {
    const f = makeTaggedFile(dir, `t-${fmt}`, fmt, base);
    // Renamed to a lie: the format still comes from the bytes.
    const lied = join(dir, `lied-${fmt}.txt`);
    copyFileSync(f, lied);
    const r = await readTrackFile(lied);
    expect(r.format).toBe(format);
    expect(r.durationSec).toBeGreaterThan(2.9);
    expect(r.durationSec).toBeLessThan(3.2);
    expect(r.tags.title).toBe('Tone Poem');
    expect(r.tags.artists).toEqual(['The Sine Waves']);
    expect(r.tags.album).toBe('Frequencies');
    if (fmt === 'wav') return; // RIFF INFO carries title, artist and album only
    if (fmt !== 'aiff') {
      expect(r.tags.albumArtist).toBe('Sine Collective');
      expect(r.tags.discNumber).toBe(2);
    }
    expect(r.tags.trackNumber).toBe(3);
    expect(r.tags.year).toBe(2001);
    if (fmt === 'aiff') return;
    expect(r.tags.genres).toEqual(['Ambient']);
    if (fmt !== 'mp3-id3v24') expect(r.tags.lyrics).toBe('la la la');
    expect(r.tags.picture?.mime).toBe('image/png');
    expect(r.tags.picture?.data.length).toBeGreaterThan(100);
    if (fmt === 'aac' || fmt === 'alac') return; // ffmpeg writes no iTunes freeform (MusicBrainz) atoms
    expect(r.tags.mbReleaseId).toBe(MB.release);
    expect(r.tags.mbArtistIds).toEqual([MB.artist]);
    expect(r.tags.mbAlbumArtistIds).toEqual([MB.albumArtist]);
    expect(r.tags.replayGain.trackGainDb).toBeCloseTo(-6.5, 2);
    expect(r.tags.replayGain.trackPeak).toBeCloseTo(0.891251, 4);
    if (fmt !== 'mp3-id3v24') expect(r.tags.mbRecordingId).toBe(MB.recording);
    if (fmt === 'flac' || fmt === 'vorbis' || fmt === 'opus')
      expect(r.tags.replayGain.albumGainDb).toBeCloseTo(-7.25, 2);
  });

  it('MP4 compilation flag and Vorbis compilation land as compilation', async () => {
    const m4a = await readTrackFile(
      makeTaggedFile(dir, 'comp', 'aac', { ...base, albumArtist: undefined, compilation: true }),
    );
    expect(m4a.tags.compilation).toBe(true);
    const ogg = await readTrackFile(
      makeTaggedFile(dir, 'comp2', 'vorbis', { ...base, albumArtist: undefined, compilation: true }),
    );
    expect(ogg.tags.compilation).toBe(true);
    expect(albumGroupKey({ ...ogg.tags, mbReleaseId: null })).toBe(
      `n:${nameKey('Various Artists')}|frequencies`,
    );
  });

  it('fallbacks: no tags at all → title from the file name, album from the folder, Unknown Artist', async () => {
    const f = makeTaggedFile(dir, 'x', 'wav', { title: '', artist: '', album: '' });
    const named = join(dir, '07 - Night_Drive.wav');
    copyFileSync(f, named);
    const r = await readTrackFile(named);
    expect(r.tags.title).toBe('Night Drive');
    expect(r.tags.artists).toEqual(['Unknown Artist']);
    expect(r.tags.album).toBe(dir.split('/').pop()!.replace(/_/g, ' '));
    expect(r.tags.albumFromFolder).toBe(true);
  });

  it('refuses bad input with a reason, by content', async () => {
    const bad = makeBadFiles(dir);
    await expect(readTrackFile(bad.zero)).rejects.toThrow(/empty file/);
    await expect(readTrackFile(bad.text)).rejects.toThrow(/holds text/);
    await expect(readTrackFile(bad.corrupt)).rejects.toBeInstanceOf(SkipError);
    await expect(readTrackFile(bad.corrupt)).rejects.toThrow(/corrupt/);
    await expect(readTrackFile(cover)).rejects.toThrow(/not audio/);
  });
});

describe('grouping keys', () => {
  it('case, diacritics and a leading "The" fold to one artist key', () => {
    expect(nameKey('The Beatles')).toBe(nameKey('beatles'));
    expect(nameKey('Björk')).toBe(nameKey('BJORK'));
    expect(nameKey('Simon & Garfunkel')).toBe(nameKey('simon and garfunkel'));
    expect(nameKey('The The')).toBe('the');
    expect(nameKey('Theory')).toBe('theory');
  });

  it('a folder fills a missing album artist from its siblings with the same album', () => {
    const mk = (albumArtist: string | null) => ({
      path: '/m/ost/x.ogg',
      tags: {
        album: 'OST',
        albumArtist,
        albumFromFolder: false,
        mbReleaseId: null,
        compilation: false,
        artists: ['A'],
      } as never,
    });
    const ts = [mk('Project'), mk('Project'), mk(null)];
    harmoniseFolders(ts);
    expect((ts[2]!.tags as { albumArtist: string }).albumArtist).toBe('Project');
  });
});
