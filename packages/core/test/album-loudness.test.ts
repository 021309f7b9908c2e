// Album loudness (issue 11) on real ffmpeg, versitygw and the MongoDB stand-in: the album job measures
// EBU R128 over the album's sources in album order. Integrated loudness is energy-weighted over gating
// blocks, so it is neither the mean of the tracks' LUFS nor blind to the relative gate; the true peak is
// the highest of the tracks'. The transcode job enqueues the measurement when an album track is ready.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Album, Artist, type MediaStatus, Song, type SongDoc, Types } from '@tonearm/db';
import { createLogger } from '@tonearm/observability';
import { Jobs, producerConnection, Queues } from '@tonearm/queue';
import { startTestServices, TEST_RENDITIONS, type TestServices, uid } from '@tonearm/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMediaDepsFromEnv, type MediaDeps, runTranscode, updateAlbumLoudness } from '../src';

let svc: TestServices;
let media: MediaDeps;
let queues: Queues;
const work = mkdtempSync(join(tmpdir(), 'tonearm-album-loudness-'));

beforeAll(async () => {
  svc = await startTestServices();
  queues = new Queues(producerConnection(), { prefix: `bull-${svc.prefix}` });
  media = createMediaDepsFromEnv({ queues, fallbackBaseUrl: 'http://127.0.0.1:9/media/' });
  await media.storage.ensureBucket();
});
afterAll(async () => {
  await queues?.close();
  queues?.connection.disconnect();
  await svc?.close();
  rmSync(work, { recursive: true, force: true });
});

/** A stereo MP3 of a steady 440 Hz tone at `dbfs` peak for `seconds`: a known, steady loudness. */
function tone(name: string, dbfs: number, seconds: number, hz = 440): string {
  const out = join(work, `${name}.mp3`);
  const r = spawnSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=${hz}:sample_rate=44100:duration=${seconds}`,
    '-af',
    `volume=${dbfs}dB`,
    '-ac',
    '2',
    '-c:a',
    'libmp3lame',
    '-b:a',
    '320k',
    out,
  ]);
  if (r.status !== 0) throw new Error(String(r.stderr));
  return out;
}

/** ffmpeg's own ebur128 over one file: the per-track figures the album value is checked against. */
function ebur128(file: string): { lufs: number; tp: number } {
  const r = spawnSync('ffmpeg', ['-nostats', '-i', file, '-af', 'ebur128=peak=true', '-f', 'null', '-'], {
    encoding: 'utf8',
  });
  const summary = r.stderr.slice(r.stderr.lastIndexOf('Summary:'));
  return {
    lufs: Number(/I:\s+(-?[\d.]+) LUFS/.exec(summary)![1]),
    tp: Number(/Peak:\s+(-?[\d.]+) dBFS/.exec(summary)![1]),
  };
}

async function makeAlbum(tracks: { file: string | null; status?: MediaStatus }[]) {
  const artist = await Artist.create({ name: `Artist ${uid(3)}` });
  const album = await Album.create({
    title: `Album ${uid(3)}`,
    artistId: artist._id,
    artistName: artist.name,
  });
  const songs: SongDoc[] = [];
  for (const [i, t] of tracks.entries()) {
    const _id = new Types.ObjectId();
    const sourceKey = t.file ? `uploads/${_id}/source.mp3` : null;
    if (t.file && sourceKey) await media.storage.putFile(sourceKey, t.file, 'audio/mpeg');
    songs.push(
      (
        await Song.create({
          _id,
          title: `Track ${i + 1}`,
          artistId: artist._id,
          artistName: artist.name,
          albumId: album._id,
          albumTitle: album.title,
          // Stored out of order: the job joins them by track number.
          trackNumber: tracks.length - i,
          media: t.file
            ? {
                status: t.status ?? 'ready',
                sourceKey,
                hlsPrefix: `songs/${_id}/hls/v1/`,
                renditions: TEST_RENDITIONS,
              }
            : { status: 'uploaded' },
        })
      ).toObject() as SongDoc,
    );
  }
  return { albumId: String(album._id), songs };
}

describe('album loudness', () => {
  it('is the energy-weighted loudness of all the tracks’ blocks and the highest true peak', async () => {
    const files = [tone('a', -20, 6), tone('b', -12, 6, 660), tone('c', -16, 9, 550)];
    const per = files.map(ebur128);
    // A catalog entry without audio is left out.
    const { albumId } = await makeAlbum([...files.map((file) => ({ file })), { file: null }]);
    const r = await updateAlbumLoudness(media, albumId);
    expect(r.status).toBe('updated');
    const album = await Album.findById(albumId).lean();
    // Steady tones: every block passes both gates, so the album's energy is the duration-weighted
    // mean of the tracks' energies.
    const secs = [6, 6, 9];
    const energy = per.reduce((a, p, i) => a + secs[i]! * 10 ** (p.lufs / 10), 0) / 21;
    const expected = 10 * Math.log10(energy);
    const meanOfLufs = per.reduce((a, p) => a + p.lufs, 0) / per.length;
    console.log(JSON.stringify({ tracks: per, album: album?.loudnessLufs, expected, meanOfLufs }));
    expect(album!.loudnessLufs).not.toBeNull();
    expect(Math.abs(album!.loudnessLufs! - expected)).toBeLessThanOrEqual(0.15);
    expect(Math.abs(album!.loudnessLufs! - meanOfLufs)).toBeGreaterThan(0.5);
    expect(album!.truePeakDb).toBeCloseTo(Math.max(...per.map((p) => p.tp)), 1);
    expect(album!.loudnessTracks).toBe(3);
    // Measured once: the same tracks again change nothing.
    expect((await updateAlbumLoudness(media, albumId)).status).toBe('unchanged');
  }, 60_000);

  it('applies the relative gate across the album: a track 20 LU quieter does not pull it down', async () => {
    const loud = tone('loud', -8, 6);
    const quiet = tone('quiet', -28, 6);
    const [l, q] = [ebur128(loud), ebur128(quiet)];
    const { albumId } = await makeAlbum([{ file: loud }, { file: quiet }]);
    await updateAlbumLoudness(media, albumId);
    const album = await Album.findById(albumId).lean();
    // The quiet track's blocks sit > 10 LU below the ungated level: gated out, so the album reads as
    // the loud track, not the −3 dB energy mean (or the 10 LU arithmetic mean).
    console.log(JSON.stringify({ loud: l, quiet: q, album: album?.loudnessLufs }));
    expect(Math.abs(album!.loudnessLufs! - l.lufs)).toBeLessThanOrEqual(0.15);
  }, 60_000);

  it('waits while a track is still transcoding, and re-measures when the tracks change', async () => {
    const a = tone('p1', -14, 5);
    const b = tone('p2', -22, 5);
    const { albumId, songs } = await makeAlbum([{ file: a }, { file: b, status: 'transcoding' }]);
    expect((await updateAlbumLoudness(media, albumId)).status).toBe('pending');
    expect((await Album.findById(albumId).lean())!.loudnessLufs).toBeNull();
    await Song.updateOne(
      { _id: songs[1]!._id },
      {
        $set: {
          'media.status': 'ready',
          'media.hlsPrefix': `songs/${songs[1]!._id}/hls/v1/`,
          'media.renditions': TEST_RENDITIONS,
        },
      },
    );
    const first = await updateAlbumLoudness(media, albumId);
    expect(first.status).toBe('updated');
    // A failed track is dropped from the album: measured again over what plays.
    await Song.updateOne({ _id: songs[1]!._id }, { $set: { 'media.status': 'failed' } });
    const second = await updateAlbumLoudness(media, albumId);
    expect(second).toMatchObject({ status: 'updated', tracks: 1 });
    expect((await Album.findById(albumId).lean())!.loudnessLufs).toBeCloseTo(ebur128(a).lufs, 1);
  }, 60_000);

  it('the transcode job enqueues the measurement when it publishes an album track', async () => {
    const file = tone('t', -14, 6.5);
    const { albumId, songs } = await makeAlbum([{ file, status: 'uploaded' }]);
    const song = songs[0]!;
    const r = await runTranscode(
      media,
      { songId: String(song._id), sourceKey: song.media!.sourceKey! },
      { attemptsMade: 0, isFinal: true, log: createLogger('test', 'silent') },
    );
    expect(r.status).toBe('ready');
    const jobs = await queues.get(Jobs.albumLoudness.queue).getJobs(['waiting', 'delayed', 'prioritized']);
    const mine = jobs.filter((j) => j.data.albumId === albumId);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.name).toBe(Jobs.albumLoudness.name);
    expect((await updateAlbumLoudness(media, albumId)).status).toBe('updated');
    const [album, ready] = await Promise.all([
      Album.findById(albumId).lean(),
      Song.findById(song._id).lean(),
    ]);
    // One track: the album's loudness is that track's, as the pipeline measured it.
    expect(album!.loudnessLufs).toBeCloseTo(ready!.media!.loudnessLufs!, 1);
  }, 120_000);
});
