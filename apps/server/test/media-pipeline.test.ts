// The media pipeline end to end on real ffmpeg, versitygw, Redis and MongoDB: a generated 30 s MP3 is
// uploaded through the API, transcoded by the real worker processor, published, verified in S3 and
// served by the CloudFront-verifying edge; bad uploads are rejected and leave nothing behind.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Song, type SongDoc, Types } from '@tonearm/db';
import {
  cachedTrack,
  checkMasterPlaylist,
  checkMediaPlaylist,
  decodeFragments,
  generateTrack,
  LADDER,
  PCM,
  parsePlaylist,
  probe,
  verifyStoredLadder,
} from '@tonearm/media';
import { uid } from '@tonearm/testing';
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MediaHarness, startMediaHarness } from './media-harness';

let h: MediaHarness;
let source: string;
const work = mkdtempSync(join(tmpdir(), 'tonearm-media-test-'));

beforeAll(async () => {
  source = await cachedTrack('ladder', { seconds: 30 });
  h = await startMediaHarness({ maxDurationSec: 60 });
  h.startWorker();
}, 120_000);
afterAll(async () => {
  await h?.close();
});

const appCode = (e: unknown) =>
  e instanceof TRPCClientError ? (e.data as { appCode?: string })?.appCode : null;

async function expectNothingLeft(songId: string) {
  expect(await Song.findById(songId).lean()).toBeNull();
  // At most the tombstone that keeps the create-only upload URL from writing again (swept later).
  for (const o of await h.media.storage.list(`uploads/${songId}/`))
    expect(await h.media.storage.isTombstone(o.key)).toBe(true);
  expect(await h.media.storage.list(`sources/${songId}/`)).toEqual([]);
  expect(await h.media.storage.list(`songs/${songId}/`)).toEqual([]);
}

describe('upload → transcode → publish', () => {
  let song: SongDoc;
  let songId: string;

  beforeAll(async () => {
    const up = await h.upload(source, { title: 'Thirty seconds' });
    songId = up.songId;
    expect(await up.finalize).toMatchObject({ songId, status: 'transcoding' });
    song = await h.waitForSong(songId, (s) => s.media?.status === 'ready' || s.media?.status === 'failed');
    expect(song.media?.error ?? null).toBeNull();
  }, 240_000);

  it('publishes the master and every variant, and nothing else', async () => {
    const prefix = song.media!.hlsPrefix!;
    expect(prefix).toMatch(new RegExp(`^songs/${songId}/hls/v[a-z0-9]+/$`));
    expect(await h.media.storage.listPrefixes(`songs/${songId}/hls/`)).toEqual([prefix]);
    const verified = await verifyStoredLadder(h.media.storage, prefix);
    expect(verified.playlists).toHaveLength(LADDER.length);
    const keys = (await h.media.storage.list(prefix)).map((o) => o.key);
    expect(keys).toContain(`${prefix}master.m3u8`);
    for (const r of LADDER) expect(keys).toContain(`${prefix}${r.name}/index.m3u8`);
    expect(song.media!.renditions.map((r) => r.name)).toEqual(LADDER.map((r) => r.name));
    // An MP3 is lossy: no lossless rung, every rendition AAC.
    expect(song.media!.sourceCodec).toBe('mp3');
    expect(song.media!.renditions.map((r) => r.codec)).toEqual(LADDER.map(() => 'aac'));
    expect(keys.some((k) => k.includes('/lossless/'))).toBe(false);
  });

  it('writes playlists that parse and meet the authoring rules', async () => {
    const prefix = song.media!.hlsPrefix!;
    const master = (await h.media.storage.getBytes(`${prefix}master.m3u8`))!.toString();
    expect(checkMasterPlaylist(master)).toEqual([]);
    const variants = parsePlaylist(master).manifest.playlists!;
    expect(variants).toHaveLength(LADDER.length);
    for (const v of variants) {
      expect(v.attributes.CODECS).toBe('mp4a.40.2');
      const text = (await h.media.storage.getBytes(prefix + v.uri))!.toString();
      expect(checkMediaPlaylist(text)).toEqual([]);
      const m = parsePlaylist(text).manifest;
      expect(m.targetDuration).toBe(6);
      expect(m.playlistType).toBe('VOD');
      expect(text).toContain('#EXT-X-INDEPENDENT-SEGMENTS');
      for (const s of m.segments) expect(s.duration).toBeLessThanOrEqual(6.5);
      // BANDWIDTH is a peak over 3–9 s windows: never below the average.
      expect(Number(v.attributes.BANDWIDTH)).toBeGreaterThanOrEqual(
        Number(v.attributes['AVERAGE-BANDWIDTH']),
      );
    }
  });

  it('each variant probes with the source duration (±0.1 s) and its target bit rate (±15%)', async () => {
    const prefix = song.media!.hlsPrefix!;
    const src = await probe(source);
    const sourceSec = song.media!.sourceSamples! / PCM.sampleRate;
    expect(Math.abs(Number(src.format.duration) - sourceSec)).toBeLessThan(0.1);
    for (const rung of LADDER) {
      const text = (await h.media.storage.getBytes(`${prefix}${rung.name}/index.m3u8`))!.toString();
      const m = parsePlaylist(text).manifest;
      const parts = [m.segments[0]!.map!.uri, ...m.segments.map((s) => s.uri)];
      const bufs = await Promise.all(
        parts.map((p) => h.media.storage.getBytes(`${prefix}${rung.name}/${p}`)),
      );
      const file = join(work, `${rung.name}.mp4`);
      await writeFile(file, Buffer.concat(bufs.map((b) => b!)));
      const info = await probe(file);
      const stream = info.streams.find((s) => s.codec_type === 'audio')!;
      expect(stream.codec_name).toBe('aac');
      expect(stream.profile).toBe('LC');
      const dur = Number(info.format.duration);
      expect(Math.abs(dur - sourceSec), `${rung.name} duration ${dur}`).toBeLessThan(0.1);
      expect(Math.abs(dur - Number(src.format.duration))).toBeLessThan(0.1);
      const mediaBytes = bufs.slice(1).reduce((a, b) => a + b!.length, 0);
      const kbps = (mediaBytes * 8) / dur / 1000;
      expect(
        Math.abs(kbps - rung.kbps) / rung.kbps,
        `${rung.name} measured ${kbps.toFixed(1)} kbit/s`,
      ).toBeLessThan(0.15);
    }
  });

  it('records gapless metadata that decoding confirms, sample for sample', async () => {
    const m = song.media!;
    expect(m.sampleRate).toBe(44_100);
    expect(m.sourceSamples).toBe(30 * 44_100);
    const prefix = m.hlsPrefix!;
    for (const r of m.renditions) {
      const text = (await h.media.storage.getBytes(`${prefix}${r.name}/index.m3u8`))!.toString();
      const pm = parsePlaylist(text).manifest;
      const files: string[] = [];
      for (const p of [pm.segments[0]!.map!.uri, ...pm.segments.map((s) => s.uri)]) {
        const f = join(work, `${r.name}-${p}`);
        writeFileSync(f, (await h.media.storage.getBytes(`${prefix}${r.name}/${p}`))!);
        files.push(f);
      }
      const pcm = await decodeFragments(files);
      const decodedSamples = pcm.length / 2;
      expect(decodedSamples).toBe(r.frames * 1024);
      expect(decodedSamples - r.primingSamples - r.paddingSamples).toBe(m.sourceSamples);
      expect(r.primingSamples).toBe(1024);
      expect(r.gaplessSource).toBe('metadata');
    }
  });

  it('measures EBU R128 loudness once and stores it', async () => {
    const out = spawnSync(
      'ffmpeg',
      ['-nostats', '-i', source, '-af', 'ebur128=peak=true', '-f', 'null', '-'],
      {
        encoding: 'utf8',
      },
    ).stderr;
    const i = Number(/I:\s+(-?[\d.]+) LUFS/.exec(out.slice(out.lastIndexOf('Summary')))![1]);
    expect(song.media!.loudnessLufs).toBeCloseTo(i, 0);
    expect(song.media!.truePeakDb).toBeLessThan(0);
    expect(song.media!.loudnessRangeLu).toBeGreaterThanOrEqual(0);
  });

  it("pushed progress to the uploader's room, ending ready", () => {
    const mine = h.events.filter((e) => e.data.songId === songId);
    expect(mine.length).toBeGreaterThan(2);
    expect(mine.every((e) => e.event === 'song:transcode' && e.room.includes(`user:${h.userId}`))).toBe(true);
    const progress = mine.map((e) => Number(e.data.progress));
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(mine.at(-1)!.data).toMatchObject({ status: 'ready', progress: 1 });
  });

  it('playback.start signs once for the prefix and the edge serves the ladder', async () => {
    const before = h.media.signer!.signaturesMade;
    const grant = await h.client.playback.start.mutate({ songId });
    expect(h.media.signer!.signaturesMade - before).toBe(1);
    expect(grant.masterUrl).toBe(`${h.url}/media/${song.media!.hlsPrefix}master.m3u8`);
    expect(grant.gapless.sourceSamples).toBe(30 * 44_100);
    expect(grant.gapless.renditions).toHaveLength(LADDER.length);
    expect(grant.gapless.renditions.map((r) => r.codec)).toEqual(LADDER.map(() => 'aac'));
    expect(grant.loudness.integratedLufs).toBe(song.media!.loudnessLufs);
    const setCookie = h.lastHeaders()!.getSetCookie();
    expect(setCookie.map((c) => c.split('=')[0])).toEqual([
      'CloudFront-Policy',
      'CloudFront-Signature',
      'CloudFront-Key-Pair-Id',
    ]);
    expect(setCookie[0]).toContain(`Path=/media/${song.media!.hlsPrefix}`);
    const withQuery = await fetch(`${grant.masterUrl}?${grant.signedQuery}`);
    expect(withQuery.status).toBe(200);
    expect(checkMasterPlaylist(await withQuery.text())).toEqual([]);
    const cookieHeader = setCookie.map((c) => c.split(';')[0]).join('; ');
    const viaCookie = await fetch(grant.masterUrl.replace('master.m3u8', '64k/index.m3u8'), {
      headers: { cookie: cookieHeader },
    });
    expect(viaCookie.status).toBe(200);
    expect((await fetch(grant.masterUrl)).status).toBe(403);
  });

  it('a replayed job leaves the published song untouched (idempotent)', async () => {
    const { runTranscode } = await import('@tonearm/core');
    const r = await runTranscode(
      h.media,
      { songId, sourceKey: song.media!.sourceKey! },
      { attemptsMade: 3, isFinal: true, log: h.svc.log },
    );
    expect(r).toMatchObject({ status: 'ready', hlsPrefix: song.media!.hlsPrefix });
    expect(await h.media.storage.listPrefixes(`songs/${songId}/hls/`)).toEqual([song.media!.hlsPrefix]);
  });
});

/** md5 of what ffmpeg decodes from `input` as 16-bit stereo, after `skipFrames` frames. */
function s16Hash(input: string, skipFrames = 0): { md5: string; frames: number } {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-nostdin', '-i', input, '-f', 's16le', '-ac', '2', '-'], {
    maxBuffer: 1 << 30,
  });
  if (r.status !== 0) throw new Error(r.stderr.toString());
  const body = r.stdout.subarray(skipFrames * 4);
  return { md5: createHash('md5').update(body).digest('hex'), frames: body.length / 4 };
}

describe('a FLAC upload (a lossless source, issue 15)', () => {
  let song: SongDoc;
  let songId: string;
  let flac: string;
  /** 12.3 s: a multiple of neither the AAC frame nor any FLAC block size. */
  const SAMPLES = 543_217;

  beforeAll(async () => {
    flac = join(work, 'lossless.flac');
    const d = (SAMPLES / 44_100 + 1).toFixed(3);
    const r = spawnSync('ffmpeg', [
      ...['-v', 'error', '-nostdin', '-y'],
      ...['-f', 'lavfi', '-i', `sine=f=523:d=${d}:sample_rate=44100`],
      ...['-f', 'lavfi', '-i', `anoisesrc=d=${d}:c=pink:a=0.25:r=44100:seed=5`],
      ...['-f', 'lavfi', '-i', `anoisesrc=d=${d}:c=pink:a=0.25:r=44100:seed=6`],
      '-filter_complex',
      `[1][2]amerge=inputs=2[n];[0]aformat=channel_layouts=stereo,volume=0.2[t];[t][n]amix=inputs=2:normalize=0,atrim=end_sample=${SAMPLES}[o]`,
      ...['-map', '[o]', '-c:a', 'flac', '-sample_fmt', 's16', flac],
    ]);
    if (r.status !== 0) throw new Error(r.stderr.toString());
    const up = await h.upload(flac, { title: 'Lossless' });
    songId = up.songId;
    expect(await up.finalize).toMatchObject({ songId, status: 'transcoding' });
    song = await h.waitForSong(songId, (s) => s.media?.status === 'ready' || s.media?.status === 'failed');
    expect(song.media?.error ?? null).toBeNull();
  }, 240_000);

  /** A stored rendition joined into one fMP4 file (init + segments, as the playlist lists them). */
  async function joined(name: string): Promise<string> {
    const prefix = song.media!.hlsPrefix!;
    const m = parsePlaylist(
      (await h.media.storage.getBytes(`${prefix}${name}/index.m3u8`))!.toString(),
    ).manifest;
    const parts = [m.segments[0]!.map!.uri, ...m.segments.map((x) => x.uri)];
    const bufs = await Promise.all(parts.map((p) => h.media.storage.getBytes(`${prefix}${name}/${p}`)));
    const file = join(work, `flac-upload-${name}.mp4`);
    await writeFile(file, Buffer.concat(bufs.map((b) => b!)));
    return file;
  }

  it('yields the AAC rungs and a lossless rung, recorded with its codec', async () => {
    expect(song.media!.sourceCodec).toBe('flac');
    expect(song.media!.sourceSamples).toBe(SAMPLES);
    expect(song.media!.renditions.map((r) => [r.name, r.codec, r.codecs])).toEqual([
      ...LADDER.map((r) => [r.name, 'aac', 'mp4a.40.2']),
      ['lossless', 'flac', 'fLaC'],
    ]);
    const top = song.media!.renditions.at(-1)!;
    expect(top).toMatchObject({ primingSamples: 1024, paddingSamples: 0, gaplessSource: 'metadata' });
    expect(top.frames).toBe(Math.ceil((1024 + SAMPLES) / 1024));
    const verified = await verifyStoredLadder(h.media.storage, song.media!.hlsPrefix!);
    expect(verified.playlists).toHaveLength(LADDER.length + 1);
    const master = (await h.media.storage.getBytes(`${song.media!.hlsPrefix!}master.m3u8`))!.toString();
    expect(checkMasterPlaylist(master)).toEqual([]);
    const variants = parsePlaylist(master).manifest.playlists!;
    expect(variants.map((v) => v.attributes.CODECS)).toEqual([...LADDER.map(() => 'mp4a.40.2'), 'fLaC']);
    // The lossless rung has the highest BANDWIDTH: ABR reaches it only when the link allows.
    const bw = variants.map((v) => Number(v.attributes.BANDWIDTH));
    expect(bw.at(-1)).toBe(Math.max(...bw));
    expect(bw.at(-1)! / bw.at(-2)!).toBeGreaterThan(2);
  });

  it('the lossless rung decodes to the source PCM, bit for bit (ffmpeg-decoded hashes)', async () => {
    const file = await joined('lossless');
    const info = await probe(file);
    expect(info.streams.find((x) => x.codec_type === 'audio')!.codec_name).toBe('flac');
    const src = s16Hash(flac);
    expect(src.frames).toBe(SAMPLES);
    // After the 1024-sample lead-in (digital silence) the rung is the source, to the last sample.
    expect(s16Hash(file, 1024)).toEqual(src);
    expect(s16Hash(file).frames).toBe(1024 + SAMPLES);
  });

  it('the AAC rungs are what an MP3 upload gets: AAC-LC, frames × 1024 decoded', async () => {
    for (const r of song.media!.renditions.filter((x) => x.codec === 'aac')) {
      const file = await joined(r.name);
      const info = await probe(file);
      expect(info.streams.find((x) => x.codec_type === 'audio')!.codec_name).toBe('aac');
      const pcm = await decodeFragments([file]);
      expect(pcm.length / 2).toBe(r.frames * 1024);
      expect(pcm.length / 2 - r.primingSamples - r.paddingSamples).toBe(SAMPLES);
    }
  });

  it('playback.start carries the lossless rendition, and the edge serves it signed', async () => {
    const grant = await h.client.playback.start.mutate({ songId });
    expect(grant.gapless.renditions.map((r) => r.codec)).toEqual([...LADDER.map(() => 'aac'), 'flac']);
    expect(grant.gapless.renditions.at(-1)).toMatchObject({
      name: 'lossless',
      codecs: 'fLaC',
      primingSamples: 1024,
      paddingSamples: 0,
      playlist: 'lossless/index.m3u8',
    });
    const url = grant.masterUrl.replace('master.m3u8', 'lossless/init.mp4');
    const signed = await fetch(`${url}?${grant.signedQuery}`);
    expect(signed.status).toBe(200);
    expect(signed.headers.get('content-type')).toBe('audio/mp4');
    expect(Buffer.from(await signed.arrayBuffer()).includes(Buffer.from('dfLa'))).toBe(true);
    expect((await fetch(url)).status).toBe(403);
  });
});

describe('a job that cannot succeed', () => {
  it('marks the song failed with the reason on its last attempt and leaves no objects', async () => {
    const { runTranscode } = await import('@tonearm/core');
    // A song whose source vanished after finalize, run straight through the job body (not the queue).
    const song = await Song.create({
      title: 'Vanishing source',
      artistId: new Types.ObjectId(),
      artistName: 'Test Artist',
      uploaderId: h.userId,
      media: { status: 'transcoding', sourceKey: `uploads/${uid()}/source.mp3` },
    });
    const songId = String(song._id);
    await h.media.storage.putBytes(
      `songs/${songId}/hls/vold/64k/seg_000.m4s`,
      Buffer.alloc(10),
      'video/iso.segment',
    );
    const run = (isFinal: boolean) =>
      runTranscode(
        h.media,
        { songId, sourceKey: song.media!.sourceKey! },
        { attemptsMade: isFinal ? 2 : 0, isFinal, log: h.svc.log },
      ).catch((e: unknown) => e);
    expect(await run(false)).toBeInstanceOf(Error);
    // Not the last attempt: still transcoding, and nothing left in storage.
    expect((await Song.findById(songId).lean<SongDoc>())!.media!.status).toBe('transcoding');
    expect(await h.media.storage.list(`songs/${songId}/`)).toEqual([]);
    expect(await run(true)).toBeInstanceOf(Error);
    const s1 = (await Song.findById(songId).lean<SongDoc>())!;
    expect(s1.media!.status).toBe('failed');
    expect(s1.media!.error).toMatch(/\S/);
    expect(await h.media.storage.list(`songs/${songId}/`)).toEqual([]);
    const last = h.events.filter((e) => e.data.songId === songId).at(-1);
    expect(last?.data).toMatchObject({ status: 'failed' });
  }, 120_000);
});

describe('bad uploads are rejected and leave nothing behind', () => {
  it('a corrupt MP3 (a valid header, then garbage)', async () => {
    const file = join(work, 'corrupt.mp3');
    const good = readFileSync(source);
    writeFileSync(
      file,
      Buffer.concat([
        good.subarray(0, 8192),
        Buffer.from(Array.from({ length: 400_000 }, (_, i) => (i * 7919) % 256)),
      ]),
    );
    const { songId, finalize } = await h.upload(file);
    const err = await finalize.catch((e: unknown) => e);
    expect(appCode(err)).toBe('UNPROCESSABLE_CONTENT');
    expect((err as Error).message).toMatch(/not playable audio: it does not decode/);
    await expectNothingLeft(songId);
  });

  it('a FLAC whose frames are garbage after a valid STREAMINFO header', async () => {
    const good = join(work, 'good-for-corrupt.flac');
    const r = spawnSync('ffmpeg', [
      ...['-v', 'error', '-nostdin', '-y', '-f', 'lavfi', '-i', 'sine=f=440:d=8:sample_rate=44100'],
      ...['-ac', '2', '-c:a', 'flac', good],
    ]);
    expect(r.status).toBe(0);
    const file = join(work, 'corrupt.flac');
    writeFileSync(
      file,
      Buffer.concat([
        readFileSync(good).subarray(0, 4096),
        Buffer.from(Array.from({ length: 600_000 }, (_, i) => (i * 7919) % 256)),
      ]),
    );
    const { songId, finalize } = await h.upload(file);
    const err = await finalize.catch((e: unknown) => e);
    expect(appCode(err)).toBe('UNPROCESSABLE_CONTENT');
    expect((err as Error).message).toMatch(/not playable audio/);
    await expectNothingLeft(songId);
  });

  it('a text file renamed .mp3', async () => {
    const file = join(work, 'notes.mp3');
    writeFileSync(file, 'These are my lyrics, not a song.\n'.repeat(200));
    const { songId, finalize } = await h.upload(file);
    const err = await finalize.catch((e: unknown) => e);
    expect(appCode(err)).toBe('UNPROCESSABLE_CONTENT');
    expect((err as Error).message).toMatch(/not playable audio/);
    await expectNothingLeft(songId);
  });

  it('a track over the duration limit', async () => {
    const file = join(work, 'long.mp3');
    await generateTrack(file, { seconds: 65, mp3Kbps: 32 });
    const { songId, finalize } = await h.upload(file);
    const err = await finalize.catch((e: unknown) => e);
    expect(appCode(err)).toBe('UNPROCESSABLE_CONTENT');
    expect((err as Error).message).toMatch(/over the 60 s limit/);
    await expectNothingLeft(songId);
  }, 60_000);

  it('a file over the size limit is refused before anything is stored', async () => {
    const before = await Song.countDocuments();
    const err = await h.client.upload.create
      .mutate({ title: 'Huge', artistName: 'Big', contentType: 'audio/mpeg', sizeBytes: 10 * 1024 ** 3 })
      .catch((e: unknown) => e);
    expect(appCode(err)).toBe('PAYLOAD_TOO_LARGE');
    expect((err as Error).message).toMatch(/larger than the \d+ MB upload limit/);
    expect(await Song.countDocuments()).toBe(before);
  });

  it('the presigned PUT refuses a body of another size than declared', async () => {
    const created = await h.client.upload.create.mutate({
      title: 'Liar',
      artistName: 'Test Artist',
      contentType: 'audio/mpeg',
      sizeBytes: 1000,
    });
    const r = await fetch(created.uploadUrl, {
      method: 'PUT',
      headers: created.uploadHeaders,
      body: Buffer.alloc(5000),
    });
    expect(r.ok).toBe(false);
    expect(await h.media.storage.head(`uploads/${created.songId}/source.mp3`)).toBeNull();
  });
});
