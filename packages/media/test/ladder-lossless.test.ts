// The lossless rung (issue 15): a lossless source gets the AAC ladder plus a FLAC-in-fMP4 rung whose
// decoded audio is the source's samples, bit for bit; a lossy source keeps the AAC ladder exactly.
// Sources are generated here (tones over noise, lengths that are no multiple of any frame size).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FLAC_LEAD_IN_SAMPLES,
  LADDER,
  type LadderOptions,
  LOSSLESS_RUNG,
  losslessSourceOf,
  parsePlaylist,
  transcodeLadder,
} from '@tonearm/media';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'tonearm-lossless-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ff = (args: string[]) =>
  execFileSync('ffmpeg', ['-nostdin', '-loglevel', 'error', '-y', ...args], { maxBuffer: 1 << 30 });

/** A stereo source: a chord over decorrelated noise, `samples` long, at `rate`, in `codecArgs`. */
function source(name: string, samples: number, codecArgs: string[], rate = 44_100): string {
  const out = join(dir, name);
  const d = (samples / rate + 1).toFixed(3);
  ff([
    ...['-f', 'lavfi', '-i', `sine=f=331:d=${d}:sample_rate=${rate}`],
    ...['-f', 'lavfi', '-i', `anoisesrc=d=${d}:c=pink:a=0.2:r=${rate}:seed=3`],
    ...['-f', 'lavfi', '-i', `anoisesrc=d=${d}:c=white:a=0.1:r=${rate}:seed=9`],
    '-filter_complex',
    `[1][2]amerge=inputs=2[n];[0]aformat=channel_layouts=stereo,volume=0.3[t];[t][n]amix=inputs=2:normalize=0,atrim=end_sample=${samples}[o]`,
    ...['-map', '[o]', '-ac', '2', ...codecArgs, out],
  ]);
  return out;
}

/** The samples ffmpeg decodes from `files` (concatenated), as integers of `fmt`, after `skip` frames. */
function pcmHash(files: string[], fmt: 's16le' | 's32le', skip = 0): { md5: string; frames: number } {
  const input = files.length === 1 ? files[0]! : `concat:${files.join('|')}`;
  const raw = ff(['-i', input, '-f', fmt, '-ac', '2', '-']);
  const bytesPerFrame = fmt === 's16le' ? 4 : 8;
  const body = raw.subarray(skip * bytesPerFrame);
  return { md5: createHash('md5').update(body).digest('hex'), frames: body.length / bytesPerFrame };
}

function renditionFiles(out: string, playlist: string): string[] {
  const base = join(out, playlist, '..');
  const m = parsePlaylist(readFileSync(join(out, playlist), 'utf8')).manifest;
  return [m.segments[0]!.map!.uri, ...m.segments.map((s) => s.uri)].map((u) => join(base, u));
}

let n = 0;
async function ladder(input: string, opts: LadderOptions = {}) {
  const out = join(dir, `out-${++n}`);
  const work = join(dir, `work-${n}`);
  mkdirSync(out);
  mkdirSync(work);
  return { out, result: await transcodeLadder(input, out, work, opts) };
}

describe('a lossless source', () => {
  it('gets the four AAC rungs and a FLAC rung that decodes to the source PCM, bit for bit', async () => {
    const samples = 600_001; // 13.6 s: no multiple of 1024 or of 4608
    const flac = source('cd.flac', samples, ['-c:a', 'flac', '-sample_fmt', 's16']);
    const { out, result } = await ladder(flac);
    expect(result.lossless).toMatchObject({ codec: 'flac', bitsPerSample: 16, eligible: true });
    expect(result.renditions.map((r) => r.name)).toEqual([...LADDER.map((r) => r.name), LOSSLESS_RUNG.name]);
    const aac = result.renditions.filter((r) => r.codec === 'aac');
    expect(aac.map((r) => r.codecs)).toEqual(['mp4a.40.2', 'mp4a.40.2', 'mp4a.40.2', 'mp4a.40.2']);
    const top = result.renditions.at(-1)!;
    expect(top).toMatchObject({
      codec: 'flac',
      codecs: 'fLaC',
      primingSamples: FLAC_LEAD_IN_SAMPLES,
      paddingSamples: 0,
      containerSamples: FLAC_LEAD_IN_SAMPLES + samples,
      encodedSamples: FLAC_LEAD_IN_SAMPLES + samples,
      frames: Math.ceil((FLAC_LEAD_IN_SAMPLES + samples) / 1024),
      measuredPrimingSamples: FLAC_LEAD_IN_SAMPLES,
    });
    expect(result.sourceSamples).toBe(samples);
    // The highest BANDWIDTH: ABR reaches it only on a fast link; lossless costs far more than 320k.
    expect(top.bandwidth).toBeGreaterThan(2 * aac.at(-1)!.bandwidth);
    expect(result.master).toMatch(/CODECS="fLaC"\nlossless\/index\.m3u8\n$/);

    // Bit-identical: the source's decoded samples and the rung's after its lead-in hash the same.
    const src = pcmHash([flac], 's16le');
    const rung = pcmHash(renditionFiles(out, top.playlist), 's16le', FLAC_LEAD_IN_SAMPLES);
    expect(src.frames).toBe(samples);
    expect(rung).toEqual(src);
    // The lead-in is digital silence.
    const lead = ff(['-i', `concat:${renditionFiles(out, top.playlist).join('|')}`, '-f', 's16le', '-']);
    expect(lead.subarray(0, FLAC_LEAD_IN_SAMPLES * 4).every((b) => b === 0)).toBe(true);

    // Every rung shares the segment boundaries (a level switch at segment i lands on the same sample).
    const durations = result.renditions.map((r) => r.segments.map((s) => s.durationSec));
    for (const d of durations) expect(d).toEqual(durations[0]);
    // AAC rungs: their decoded length is frames × 1024 as before (priming + source + padding).
    for (const r of aac) expect(r.encodedSamples).toBe(r.primingSamples + samples + r.paddingSamples);
  }, 180_000);

  it('keeps 24-bit WAV samples exact', async () => {
    const samples = 123_457;
    const wav = source('hires.wav', samples, ['-c:a', 'pcm_s24le']);
    const { out, result } = await ladder(wav, { rungs: [LADDER[0]!] });
    expect(result.lossless).toMatchObject({ codec: 'pcm_s24le', bitsPerSample: 24, eligible: true });
    const top = result.renditions.find((r) => r.codec === 'flac')!;
    const probe = JSON.parse(
      execFileSync('ffprobe', [
        ...['-v', 'error', '-show_entries', 'stream=codec_name,bits_per_raw_sample', '-of', 'json'],
        renditionFiles(out, top.playlist)[0]!,
      ]).toString(),
    );
    expect(probe.streams[0]).toMatchObject({ codec_name: 'flac', bits_per_raw_sample: '24' });
    const src = pcmHash([wav], 's32le');
    expect(pcmHash(renditionFiles(out, top.playlist), 's32le', FLAC_LEAD_IN_SAMPLES)).toEqual(src);
    expect(src.frames).toBe(samples);
  }, 120_000);

  it.each([
    ['ALAC in M4A', 'alac.m4a', ['-c:a', 'alac', '-sample_fmt', 's16p'], 'alac'],
    ['AIFF', 'cd.aiff', ['-c:a', 'pcm_s16be'], 'pcm_s16be'],
  ])(
    '%s gets the lossless rung too',
    async (_label, name, args, codec) => {
      const samples = 99_999;
      const file = source(name, samples, args);
      const { out, result } = await ladder(file, { rungs: [LADDER[0]!] });
      expect(result.lossless).toMatchObject({ codec, eligible: true });
      const top = result.renditions.find((r) => r.codec === 'flac')!;
      expect(pcmHash(renditionFiles(out, top.playlist), 's16le', FLAC_LEAD_IN_SAMPLES)).toEqual(
        pcmHash([file], 's16le'),
      );
    },
    120_000,
  );

  it('at 48 kHz gets no lossless rung: the 44.1 kHz ladder would not carry its samples', async () => {
    const flac = source('dat.flac', 96_000, ['-c:a', 'flac'], 48_000);
    const { result } = await ladder(flac, { rungs: [LADDER[0]!] });
    expect(result.lossless).toMatchObject({
      codec: 'flac',
      eligible: false,
      reason: '48000 Hz, not 44100 Hz',
    });
    expect(result.renditions.map((r) => r.codec)).toEqual(['aac']);
  }, 120_000);
});

describe('a lossy source', () => {
  it('keeps exactly the AAC ladder (no lossless rung, the same master)', async () => {
    const mp3 = source('lossy.mp3', 300_000, ['-c:a', 'libmp3lame', '-b:a', '320k']);
    const { result } = await ladder(mp3);
    expect(result.lossless).toBeNull();
    expect(result.renditions.map((r) => [r.name, r.codec, r.codecs])).toEqual(
      LADDER.map((r) => [r.name, 'aac', 'mp4a.40.2']),
    );
    expect(result.master).not.toMatch(/fLaC|lossless/);
    expect(result.timings.flacEncodeMs).toBe(0);
  }, 180_000);
});

describe('losslessSourceOf', () => {
  it('decides from the probed stream, and survives hostile probe fields', () => {
    expect(losslessSourceOf({ codec_name: 'mp3', sample_rate: '44100' })).toBeNull();
    expect(losslessSourceOf({ codec_name: 'vorbis' })).toBeNull();
    expect(losslessSourceOf(undefined)).toBeNull();
    expect(losslessSourceOf({ codec_name: 'flac', sample_rate: '44100', sample_fmt: 's16' })).toMatchObject({
      bitsPerSample: 16,
      eligible: true,
    });
    expect(
      losslessSourceOf({
        codec_name: 'alac',
        sample_rate: 44100,
        sample_fmt: 's32p',
        bits_per_raw_sample: '24',
      }),
    ).toMatchObject({ bitsPerSample: 24, eligible: true });
    expect(
      losslessSourceOf({ codec_name: 'pcm_s32le', sample_rate: '44100', bits_per_sample: 32 }),
    ).toMatchObject({
      eligible: false,
      reason: '32-bit samples (FLAC codes at most 24)',
    });
    // Nonsense from a crafted header: no sample rate, garbage bit depth → no lossless claim.
    expect(
      losslessSourceOf({
        codec_name: 'flac',
        sample_rate: 'N/A',
        bits_per_raw_sample: 'x',
        sample_fmt: '??',
      }),
    ).toMatchObject({ eligible: false, reason: '0 Hz, not 44100 Hz' });
  });

  it('refuses a text file named .flac at the probe (the ladder fails, it does not guess)', async () => {
    const fake = join(dir, 'notes.flac');
    writeFileSync(fake, 'this is not audio\n'.repeat(100));
    await expect(ladder(fake)).rejects.toThrow();
  });
});
