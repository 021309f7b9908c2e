// Tagged audio fixtures for the import tests: short sine tones made by ffmpeg in every accepted format,
// tagged the way real taggers write them (ID3v2.3 by node-id3 with UFID/USLT/APIC, ID3v2.4 and MP4
// atoms by ffmpeg, Vorbis comments with METADATA_BLOCK_PICTURE), with embedded covers and MusicBrainz
// ids. Import with `@tonearm/testing/audio-fixtures`.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import NodeID3 from 'node-id3';

export const MB = {
  release: '1b2c3d4e-0000-4000-8000-000000000001',
  recording: '1b2c3d4e-0000-4000-8000-0000000000a1',
  artist: '1b2c3d4e-0000-4000-8000-0000000000b1',
  albumArtist: '1b2c3d4e-0000-4000-8000-0000000000c1',
} as const;

function ff(args: string[]): void {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-y', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')}: ${r.stderr}`);
}

/** A solid-colour PNG of `size` px (ffmpeg's color source). */
export function makeCoverPng(out: string, color = 'orange', size = 320): string {
  ff(['-f', 'lavfi', '-i', `color=c=${color}:s=${size}x${size}`, '-frames:v', '1', out]);
  return out;
}

// A rising chirp, not a steady sine: a periodic signal makes the ladder's priming check (which aligns
// the decoded rendition with the source) ambiguous by whole periods.
const sine = (seconds: number, hz: number) => [
  '-f',
  'lavfi',
  '-i',
  `aevalsrc=0.5*sin(2*PI*(${hz}+60*t)*t):s=44100:d=${seconds}`,
];

const meta = (tags: Record<string, string | number | undefined>) =>
  Object.entries(tags).flatMap(([k, v]) => (v === undefined ? [] : ['-metadata', `${k}=${v}`]));

/** A FLAC-style METADATA_BLOCK_PICTURE (front cover) for Vorbis comments, base64. */
export function vorbisPictureBlock(png: Buffer): string {
  const mime = Buffer.from('image/png');
  const parts: Buffer[] = [];
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  parts.push(
    u32(3),
    u32(mime.length),
    mime,
    u32(0),
    u32(320),
    u32(320),
    u32(24),
    u32(0),
    u32(png.length),
    png,
  );
  return Buffer.concat(parts).toString('base64');
}

export type FixtureTrack = {
  title: string;
  artist: string;
  album: string;
  albumArtist?: string;
  track?: number;
  trackTotal?: number;
  disc?: number;
  discTotal?: number;
  year?: number;
  genre?: string;
  lyrics?: string;
  compilation?: boolean;
  mb?: boolean;
  cover?: string;
  seconds?: number;
  hz?: number;
};

const vorbisTags = (t: FixtureTrack) => ({
  TITLE: t.title,
  ARTIST: t.artist,
  ALBUM: t.album,
  ...(t.albumArtist ? { ALBUMARTIST: t.albumArtist } : {}),
  ...(t.track ? { TRACKNUMBER: t.track, TRACKTOTAL: t.trackTotal ?? t.track } : {}),
  ...(t.disc ? { DISCNUMBER: t.disc, DISCTOTAL: t.discTotal ?? t.disc } : {}),
  ...(t.year ? { DATE: t.year } : {}),
  ...(t.genre ? { GENRE: t.genre } : {}),
  ...(t.lyrics ? { LYRICS: t.lyrics } : {}),
  ...(t.compilation ? { COMPILATION: 1 } : {}),
  ...(t.mb
    ? {
        MUSICBRAINZ_TRACKID: MB.recording,
        MUSICBRAINZ_ALBUMID: MB.release,
        MUSICBRAINZ_ARTISTID: MB.artist,
        MUSICBRAINZ_ALBUMARTISTID: MB.albumArtist,
        REPLAYGAIN_TRACK_GAIN: '-6.50 dB',
        REPLAYGAIN_TRACK_PEAK: '0.891251',
        REPLAYGAIN_ALBUM_GAIN: '-7.25 dB',
        REPLAYGAIN_ALBUM_PEAK: '0.950000',
      }
    : {}),
});

export type FixtureFormat =
  | 'mp3-id3v23'
  | 'mp3-id3v24'
  | 'flac'
  | 'vorbis'
  | 'opus'
  | 'aac'
  | 'alac'
  | 'wav'
  | 'aiff';

const EXT: Record<FixtureFormat, string> = {
  'mp3-id3v23': 'mp3',
  'mp3-id3v24': 'mp3',
  flac: 'flac',
  vorbis: 'ogg',
  opus: 'opus',
  aac: 'm4a',
  alac: 'm4a',
  wav: 'wav',
  aiff: 'aiff',
};

/** Writes one tagged tone of `format` into `dir` as `<name>.<ext>`; returns its path. */
export function makeTaggedFile(dir: string, name: string, format: FixtureFormat, t: FixtureTrack): string {
  const out = join(dir, `${name}.${EXT[format]}`);
  const src = sine(t.seconds ?? 3, t.hz ?? 440);
  const cover = t.cover;
  const withCover = cover
    ? ['-i', cover, '-map', '0:a', '-map', '1:v', '-c:v', 'copy', '-disposition:v', 'attached_pic']
    : [];
  switch (format) {
    case 'mp3-id3v24':
      ff([
        ...src,
        ...withCover,
        '-c:a',
        'libmp3lame',
        '-b:a',
        '128k',
        '-id3v2_version',
        '4',
        ...meta({
          title: t.title,
          artist: t.artist,
          album: t.album,
          ...(t.albumArtist ? { album_artist: t.albumArtist } : {}),
          ...(t.track ? { track: `${t.track}/${t.trackTotal ?? t.track}` } : {}),
          ...(t.disc ? { disc: `${t.disc}/${t.discTotal ?? t.disc}` } : {}),
          ...(t.year ? { date: t.year } : {}),
          ...(t.genre ? { genre: t.genre } : {}),
          ...(t.compilation ? { compilation: 1 } : {}),
          ...(t.mb
            ? {
                'MusicBrainz Album Id': MB.release,
                'MusicBrainz Artist Id': MB.artist,
                'MusicBrainz Album Artist Id': MB.albumArtist,
                REPLAYGAIN_TRACK_GAIN: '-6.50 dB',
                REPLAYGAIN_TRACK_PEAK: '0.891251',
              }
            : {}),
        }),
        out,
      ]);
      return out;
    case 'mp3-id3v23': {
      ff([...src, '-c:a', 'libmp3lame', '-b:a', '128k', '-map_metadata', '-1', '-write_id3v2', '0', out]);
      const tags: NodeID3.Tags = {
        title: t.title,
        artist: t.artist,
        album: t.album,
        ...(t.albumArtist ? { performerInfo: t.albumArtist } : {}),
        ...(t.track ? { trackNumber: `${t.track}/${t.trackTotal ?? t.track}` } : {}),
        ...(t.disc ? { partOfSet: `${t.disc}/${t.discTotal ?? t.disc}` } : {}),
        ...(t.year ? { year: String(t.year) } : {}),
        ...(t.genre ? { genre: t.genre } : {}),
        ...(t.lyrics ? { unsynchronisedLyrics: { language: 'eng', text: t.lyrics } } : {}),
        ...(cover
          ? {
              image: {
                mime: 'image/png',
                type: { id: 3, name: 'front cover' },
                description: 'Cover',
                imageBuffer: readFileSync(cover),
              },
            }
          : {}),
        ...(t.mb
          ? {
              uniqueFileIdentifier: [
                { ownerIdentifier: 'http://musicbrainz.org', identifier: Buffer.from(MB.recording) },
              ],
              userDefinedText: [
                { description: 'MusicBrainz Album Id', value: MB.release },
                { description: 'MusicBrainz Artist Id', value: MB.artist },
                { description: 'MusicBrainz Album Artist Id', value: MB.albumArtist },
                { description: 'REPLAYGAIN_TRACK_GAIN', value: '-6.50 dB' },
                { description: 'REPLAYGAIN_TRACK_PEAK', value: '0.891251' },
              ],
            }
          : {}),
      };
      const r = NodeID3.write(tags, out);
      if (r !== true) throw new Error(`node-id3 could not tag ${out}: ${String(r)}`);
      return out;
    }
    case 'flac':
      ff([...src, ...withCover, '-c:a', 'flac', ...meta(vorbisTags(t)), out]);
      return out;
    case 'vorbis':
    case 'opus': {
      const pic = cover ? { METADATA_BLOCK_PICTURE: vorbisPictureBlock(readFileSync(cover)) } : {};
      ff([
        ...src,
        '-c:a',
        format === 'vorbis' ? 'libvorbis' : 'libopus',
        ...(format === 'opus' ? ['-b:a', '96k'] : ['-q:a', '3']),
        ...meta({ ...vorbisTags(t), ...pic }),
        out,
      ]);
      return out;
    }
    case 'aac':
    case 'alac':
      ff([
        ...src,
        ...withCover,
        '-c:a',
        format === 'aac' ? 'aac' : 'alac',
        ...meta({
          title: t.title,
          artist: t.artist,
          album: t.album,
          ...(t.albumArtist ? { album_artist: t.albumArtist } : {}),
          ...(t.track ? { track: `${t.track}/${t.trackTotal ?? t.track}` } : {}),
          ...(t.disc ? { disc: `${t.disc}/${t.discTotal ?? t.disc}` } : {}),
          ...(t.year ? { date: t.year } : {}),
          ...(t.genre ? { genre: t.genre } : {}),
          ...(t.lyrics ? { lyrics: t.lyrics } : {}),
          ...(t.compilation ? { compilation: 1 } : {}),
        }),
        out,
      ]);
      return out;
    case 'wav':
      ff([...src, '-c:a', 'pcm_s16le', ...meta({ title: t.title, artist: t.artist, album: t.album }), out]);
      return out;
    case 'aiff':
      ff([
        ...src,
        '-c:a',
        'pcm_s16be',
        '-write_id3v2',
        '1',
        ...meta({
          title: t.title,
          artist: t.artist,
          album: t.album,
          ...(t.track ? { track: String(t.track) } : {}),
          ...(t.year ? { date: t.year } : {}),
        }),
        out,
      ]);
      return out;
  }
}

/** The bad inputs of the import tests; returns the paths by name. */
export function makeBadFiles(dir: string) {
  const corrupt = join(dir, 'corrupt.flac');
  writeFileSync(
    corrupt,
    Buffer.concat([Buffer.from('fLaC'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37) % 251))]),
  );
  const zero = join(dir, 'zero.mp3');
  writeFileSync(zero, '');
  const text = join(dir, 'notes.flac');
  writeFileSync(text, 'These are my liner notes, not a FLAC file.\n');
  return { corrupt, zero, text };
}
