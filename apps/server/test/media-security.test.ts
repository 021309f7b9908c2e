// Findings 2–4 of the security review (docs/SECURITY.md), each against the real pipeline (server,
// versitygw, BullMQ worker, ffmpeg):
// - an upload that is really a playlist (HLS, ffconcat) makes NO outbound request: a canary HTTP
//   server counts connections, and it must count 0; the upload is refused with a clear error;
// - what finalize checked is what is transcoded: the upload URL is create-only, so S3 refuses (412) a
//   re-PUT before and after finalize, and nothing the worker reads can change;
// - a source whose real length disagrees with its header is refused, and the decode writes no more
//   than the checked length plus a margin.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pcmBytes } from '@tonearm/core';
import { Song } from '@tonearm/db';
import {
  decodeCheck,
  decodeOnce,
  durationLimitSec,
  generateTrack,
  measureAlbumLoudness,
  PCM,
  probe,
  sniffAudioContainer,
  transcodeLadder,
} from '@tonearm/media';
import { uploadSweepProcessor } from '@tonearm/workers';
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MediaHarness, startMediaHarness } from './media-harness';

let h: MediaHarness;
let canary: Server;
let canaryUrl = '';
let connections = 0;
const work = mkdtempSync(join(tmpdir(), 'tonearm-media-security-'));

beforeAll(async () => {
  canary = createServer((_req, res) => res.writeHead(200, { 'content-type': 'audio/mpeg' }).end());
  canary.on('connection', () => {
    connections++;
  });
  await new Promise<void>((r) => canary.listen(0, '127.0.0.1', r));
  const addr = canary.address();
  canaryUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  h = await startMediaHarness({ maxDurationSec: 900 });
}, 120_000);
afterAll(async () => {
  await h?.close();
  canary?.close();
});

const appCode = (e: unknown) =>
  e instanceof TRPCClientError ? (e.data as { appCode?: string })?.appCode : null;

async function expectNothingLeft(songId: string) {
  expect(await Song.findById(songId).lean()).toBeNull();
  for (const area of ['sources', 'songs'])
    expect(await h.media.storage.list(`${area}/${songId}/`)).toEqual([]);
  // At most the tombstone that keeps the create-only upload URL from writing again (swept later).
  for (const o of await h.media.storage.list(`uploads/${songId}/`))
    expect(await h.media.storage.isTombstone(o.key)).toBe(true);
}

function file(name: string, content: string | Buffer): string {
  const p = join(work, name);
  writeFileSync(p, content);
  return p;
}

const hostile = () => ({
  'an HLS playlist': `#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXTINF:10.0,\n${canaryUrl}/seg0.mp3\n#EXTINF:10.0,\n${canaryUrl}/seg1.ts\n#EXT-X-ENDLIST\n`,
  'an HLS master playlist': `#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=128000\n${canaryUrl}/variant.m3u8\n`,
  'an ffconcat script': `ffconcat version 1.0\nfile '${canaryUrl}/a.mp3'\nfile '${canaryUrl}/b.mp3'\n`,
  'a playlist behind an ID3 tag': Buffer.concat([
    Buffer.from([0x49, 0x44, 0x33, 3, 0, 0, 0, 0, 0, 10]),
    Buffer.alloc(10),
    Buffer.from(`#EXTM3U\n#EXTINF:10.0,\n${canaryUrl}/seg0.mp3\n#EXT-X-ENDLIST\n`),
  ]),
});

describe('ffmpeg reads only the file it was given (no SSRF)', () => {
  it('refuses each playlist/concat payload uploaded as audio/mpeg, with 0 connections to the canary', async () => {
    for (const [name, body] of Object.entries(hostile())) {
      const before = connections;
      const { songId, finalize } = await h.upload(file(`${name.replaceAll(' ', '-')}.mp3`, body));
      const err = await finalize.catch((e: unknown) => e);
      expect(appCode(err), name).toBe('UNPROCESSABLE_CONTENT');
      expect((err as Error).message, name).toMatch(/not playable audio/);
      expect(connections - before, `${name}: canary connections`).toBe(0);
      await expectNothingLeft(songId);
    }
    // Text payloads are refused before any demuxer runs, with the accepted formats named.
    const { finalize } = await h.upload(file('hls-again.mp3', hostile()['an HLS playlist']));
    await expect(finalize).rejects.toThrow(/not an accepted audio format \(MP3, FLAC/);
    expect(connections).toBe(0);
  }, 60_000);

  it('probe, decodeCheck, decodeOnce and album loudness refuse URLs and playlists without connecting', async () => {
    const hls = file('direct.m3u8', hostile()['an HLS playlist']);
    const concat = file('direct.ffconcat', hostile()['an ffconcat script']);
    await expect(probe(`${canaryUrl}/x.mp3`)).rejects.toThrow(/local files only/);
    await expect(probe(hls)).rejects.toThrow(/not an accepted audio format/);
    await expect(decodeCheck(concat, 10)).rejects.toThrow(/not an accepted audio format/);
    await expect(decodeOnce(hls, join(work, 'x.f32'))).rejects.toThrow(/not an accepted audio format/);
    await expect(measureAlbumLoudness([hls])).rejects.toThrow(/not an accepted audio format/);
    await expect(measureAlbumLoudness([`${canaryUrl}/a.mp3`])).rejects.toThrow(/local files only/);
    await expect(transcodeLadder(concat, join(work, 'out-c'), mkdtempSync(join(work, 'w-')))).rejects.toThrow(
      /not an accepted audio format/,
    );
    expect(connections).toBe(0);
  });

  it('identifies every accepted container by content', async () => {
    const src = join(work, 'tone.wav');
    spawnSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=f=440:d=2', src]);
    const cases: [string, string[], string][] = [
      ['a.mp3', ['-c:a', 'libmp3lame'], 'mp3'],
      ['a.flac', ['-c:a', 'flac'], 'flac'],
      ['a.ogg', ['-c:a', 'libvorbis'], 'ogg'],
      ['a.opus', ['-c:a', 'libopus'], 'ogg'],
      ['a.m4a', ['-c:a', 'aac'], 'mp4'],
      ['alac.m4a', ['-c:a', 'alac'], 'mp4'],
      ['a.aac', ['-c:a', 'aac', '-f', 'adts'], 'aac'],
      ['b.wav', [], 'wav'],
      ['a.aiff', [], 'aiff'],
    ];
    for (const [name, args, container] of cases) {
      const out = join(work, name);
      const r = spawnSync('ffmpeg', ['-v', 'error', '-y', '-i', src, ...args, out]);
      expect(r.status, r.stderr.toString()).toBe(0);
      expect(await sniffAudioContainer(out), name).toBe(container);
      const info = await probe(out);
      expect(
        info.streams.find((s) => s.codec_type === 'audio'),
        name,
      ).toBeTruthy();
      expect((await decodeCheck(out, Number(info.format.duration))).ok, name).toBe(true);
    }
  }, 60_000);
});

describe('what finalize checked is what is transcoded', () => {
  it('a re-PUT with the upload URL is refused by S3 (412) and cannot change the transcoded source', async () => {
    const a = await generateTrack(join(work, 'checked.mp3'), { seconds: 4, mp3Kbps: 128 });
    const b = await generateTrack(join(work, 'swapped.mp3'), { seconds: 4, mp3Kbps: 128, variant: 3 });
    const bytesA = readFileSync(a);
    // Same size, so the signed Content-Length admits the swap.
    const bytesB = Buffer.concat([readFileSync(b), Buffer.alloc(bytesA.length)]).subarray(0, bytesA.length);
    expect(bytesB.equals(bytesA)).toBe(false);
    const created = await h.client.upload.create.mutate({
      title: 'Swap',
      artistName: 'Test Artist',
      contentType: 'audio/mpeg',
      sizeBytes: bytesA.length,
    });
    expect(created.uploadHeaders['if-none-match']).toBe('*');
    expect(created.expiresInSec).toBeLessThanOrEqual(600);
    const uploadKey = `uploads/${created.songId}/source.mp3`;
    const put = (body: Buffer, headers: Record<string, string> = created.uploadHeaders) =>
      fetch(created.uploadUrl, { method: 'PUT', headers, body: new Uint8Array(body) });
    expect((await put(bytesA)).status).toBe(200);
    // Before finalize: the URL already wrote once; S3's conditional write refuses a second PUT.
    const early = await put(bytesB);
    expect(early.status).toBe(412);
    expect(await early.text()).toMatch(/PreconditionFailed/);
    expect((await h.media.storage.getBytes(uploadKey))!.equals(bytesA)).toBe(true);
    // Dropping the signed If-None-Match header breaks the signature instead.
    expect((await put(bytesB, { 'content-type': 'audio/mpeg' })).status).toBe(403);

    await h.client.upload.finalize.mutate({ songId: created.songId });
    const song = await Song.findById(created.songId).lean();
    const pinnedKey = song!.media!.sourceKey!;
    expect(pinnedKey).toMatch(new RegExp(`^sources/${created.songId}/`));
    expect(song!.media!.sourceEtag).toBeTruthy();
    // After finalize the upload key holds a tombstone, so the URL still cannot write.
    expect(await h.media.storage.isTombstone(uploadKey)).toBe(true);
    const late = await put(bytesB);
    expect(late.status).toBe(412);
    expect(await h.media.storage.isTombstone(uploadKey)).toBe(true);
    expect((await h.media.storage.getBytes(pinnedKey))!.equals(bytesA)).toBe(true);
    // The tombstone's deletion waits for the URL to expire (a delayed upload-sweep job).
    const sweep = await h.media.queues.get('upload-sweep').getJob(`upload-sweep-${created.songId}`);
    expect(sweep).toBeTruthy();
    expect(sweep!.opts.delay ?? 0).toBeGreaterThan((created.expiresInSec - 30) * 1000);

    h.startWorker();
    const ready = await h.waitForSong(created.songId, (s) => s.media?.status === 'ready', 120_000);
    expect(ready.media!.sourceKey).toBe(pinnedKey);
    // The published loudness is the checked file's, not the swapped one's.
    const pcm = join(work, 'a.f32');
    const checked = await decodeOnce(a, pcm);
    expect(ready.media!.loudnessLufs!).toBeCloseTo(checked.loudness.integratedLufs, 1);
    expect(ready.media!.sourceSamples).toBe(checked.samples);

    // The sweep deletes only a tombstone, and then the key is empty.
    const ctx = { job: sweep!, log: h.svc.log, deps: h.workerDeps };
    expect(await uploadSweepProcessor.run({ songId: created.songId }, ctx)).toEqual({ deleted: true });
    expect(await h.media.storage.head(uploadKey)).toBeNull();
    await h.media.storage.putBytes(uploadKey, bytesA, 'audio/mpeg');
    expect(await uploadSweepProcessor.run({ songId: created.songId }, ctx)).toEqual({ deleted: false });
    expect(await h.media.storage.head(uploadKey)).not.toBeNull();
    await h.media.storage.delete(uploadKey);
  }, 180_000);

  it('a rejected upload also leaves its URL unable to write', async () => {
    const file = join(work, 'rejected.mp3');
    writeFileSync(file, 'not audio at all\n'.repeat(100));
    const { songId, finalize } = await h.upload(file);
    await expect(finalize).rejects.toThrow(/not playable audio/);
    await expectNothingLeft(songId);
    expect(await h.media.storage.isTombstone(`uploads/${songId}/source.mp3`)).toBe(true);
  });

  it('the worker refuses a pinned source whose ETag changed (If-Match)', async () => {
    const a = await generateTrack(join(work, 'etag.mp3'), { seconds: 2, mp3Kbps: 128 });
    const key = 'sources/etag-test/src';
    await h.media.storage.putBytes(key, readFileSync(a), 'audio/mpeg');
    const { etag } = await h.media.storage.copy(key, `${key}2`);
    await h.media.storage.putBytes(
      `${key}2`,
      Buffer.concat([readFileSync(a), Buffer.from('x')]),
      'audio/mpeg',
    );
    await expect(
      h.media.storage.download(`${key}2`, join(work, 'etag.out'), { ifMatch: etag }),
    ).rejects.toThrow();
  });
});

/**
 * An 8 kbit/s MP3 whose Xing header says 10 s but that holds 610 s: a 10 s encode (its Info header
 * rewritten to cover the whole file's bytes, so ffmpeg believes its frame count) followed by a 600 s
 * encode without a header.
 */
function lyingMp3(): string {
  const enc = (sec: number, out: string, extra: string[]) => {
    const r = spawnSync('ffmpeg', [
      ...['-v', 'error', '-y', '-f', 'lavfi', '-i', `sine=f=440:d=${sec}`],
      ...['-ac', '1', '-ar', '8000', '-b:a', '8k', '-c:a', 'libmp3lame', ...extra, out],
    ]);
    if (r.status !== 0) throw new Error(r.stderr.toString());
    return readFileSync(out);
  };
  const head = enc(10, join(work, 'lie-head.mp3'), []);
  const body = enc(600, join(work, 'lie-body.mp3'), ['-write_xing', '0', '-id3v2_version', '0']);
  let tag = head.indexOf('Info');
  if (tag < 0) tag = head.indexOf('Xing');
  if (tag < 0 || (head.readUInt32BE(tag + 4) & 3) !== 3) throw new Error('no Xing frames+bytes fields');
  head.writeUInt32BE(head.length + body.length, tag + 12);
  return file('lie.mp3', Buffer.concat([head, body]));
}

describe('a source that lies about its length', () => {
  let lie: string;
  let headerSec: number;
  beforeAll(async () => {
    lie = lyingMp3();
    headerSec = Number((await probe(lie)).format.duration);
  });

  it('is a real lie: ffprobe believes the header, the decoder finds 610 s', () => {
    expect(headerSec).toBeGreaterThan(9.5);
    expect(headerSec).toBeLessThan(11);
    const r = spawnSync('ffmpeg', ['-v', 'error', '-stats', '-i', lie, '-f', 'null', '-']);
    expect(r.stderr.toString()).toMatch(/time=00:10:1\d/);
  });

  it('is refused by finalize with the reason, leaving nothing behind', async () => {
    const { songId, finalize } = await h.upload(lie);
    const err = await finalize.catch((e: unknown) => e);
    expect(appCode(err)).toBe('UNPROCESSABLE_CONTENT');
    expect((err as Error).message).toMatch(/more than \d+ s of audio but its header says 10\.\d+ s/);
    await expectNothingLeft(songId);
  });

  it('the decode stops at the checked length plus the margin and writes no more PCM than that', async () => {
    const dir = mkdtempSync(join(work, 'lie-'));
    const limit = durationLimitSec(headerSec);
    await expect(transcodeLadder(lie, join(dir, 'out'), dir, { maxDurationSec: limit })).rejects.toThrow(
      /decodes past its checked length/,
    );
    const written = statSync(join(dir, 'source.f32')).size;
    expect(written).toBeLessThanOrEqual(pcmBytes(limit) + PCM.bytesPerFrame * 1152);
    // Unbounded, the same file would have written 610 s of PCM.
    expect(written).toBeLessThan(pcmBytes(610) / 20);
  });
});
