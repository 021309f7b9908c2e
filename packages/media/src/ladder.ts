// The HLS ladder: the source is decoded once to PCM (with loudness measured in the same pass), then
// encoder processes run in parallel (one per rung by default), writing the AAC-LC renditions as fMP4/CMAF
// segments; the project writes the master playlist and records gapless metadata per rendition.
// A lossless source (FLAC, ALAC, WAV, AIFF at 44.1 kHz, up to 24 bits) also gets a FLAC-in-fMP4 top
// rung, LOSSLESS_RUNG, whose decoded audio is the source's samples, bit for bit (docs/GAPLESS.md).
// Edit the LADDER table to change rungs; keep rates between 64k and 320k.
// Size: About 450 lines: one pipeline (decode once, encode rungs, verify, record) whose steps share the
// rung state; ffmpeg, HLS parsing and gapless arithmetic are in ffmpeg.ts, hls.ts and
// @tonearm/player/gapless-math.
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AAC_FRAME_SAMPLES,
  aacGaplessInfo,
  FFMPEG_AAC_PRIMING_SAMPLES,
  FLAC_BLOCK_SAMPLES,
  FLAC_LEAD_IN_SAMPLES,
  flacGaplessInfo,
  type GaplessInfo,
} from '@tonearm/player/gapless-math';
import ffmpeg from 'fluent-ffmpeg';
import {
  decodeOnce,
  type LosslessSource,
  type Loudness,
  PCM,
  PCM_INPUT_OPTIONS,
  probeLossless,
  run,
} from './ffmpeg';
import { measurePriming } from './gapless';
import {
  AAC_LC_CODECS,
  bitrates,
  checkMasterPlaylist,
  checkMediaPlaylist,
  FLAC_CODECS,
  parsePlaylist,
  TARGET_DURATION_SEC,
  withIndependentSegments,
  withTargetDuration,
  writeMaster,
} from './hls';
import { fragmentDuration, parseInit } from './mp4';

export type Rung = {
  name: string;
  kbps: number;
  /**
   * Mid/side stereo search. `auto` (ffmpeg's default) decides M/S per band, which saves bits where
   * they are scarce. At 320k it buys nothing audible, and on a mono recording in a stereo file (both
   * channels carry the same signal) ffmpeg 5.1's search costs 3.2–3.7× the rung's whole encode: 13.8–16.2 vs
   * 3.7–4.7 CPU-s for 4 minutes. The lower rungs show no such cost. SDR, auto vs off: 80 vs 67 dB
   * (mono pink noise), 52 vs 37 dB (mono white noise), 35.2 vs 35.4 dB (stereo bench track).
   */
  midSide?: 'auto' | 'off';
};
export const LADDER: Rung[] = [
  { name: '64k', kbps: 64 },
  { name: '128k', kbps: 128 },
  { name: '192k', kbps: 192 },
  { name: '320k', kbps: 320, midSide: 'off' },
];

/**
 * The AAC encoder options of one rung. `stream` is its output stream index when one ffmpeg process
 * encodes several rungs (`-b:a:1`); without it the options apply to every audio stream (`-b:a`;
 * a bare `-b` would set the video bit rate and leave the audio at ffmpeg's default 128k).
 */
export function rungEncoderOptions(rung: Rung, stream?: number): string[] {
  const spec = stream === undefined ? ':a' : `:a:${stream}`;
  const out = [`-b${spec}`, `${rung.kbps}k`];
  if (rung.midSide === 'off') out.push(`-aac_ms${spec}`, '0');
  return out;
}

/**
 * ffmpeg's native AAC encoder coder. `twoloop` (the default) is the quality choice: it searches
 * quantisers per band; `fast` is about 2× cheaper but audibly worse at the low rungs (bench/media
 * measures both). See docs in packages/media/README.md.
 */
export type AacCoder = 'twoloop' | 'fast';

/**
 * The lossless top rung: FLAC in fMP4. Its name is what the quality menus show; its bitrate is
 * nominal (a 16-bit CD source codes at 600–1,100 kbit/s; the master's BANDWIDTH is measured).
 */
export const LOSSLESS_RUNG: Rung = { name: 'lossless', kbps: 1411 };

// The gapless sample arithmetic (priming, padding, the FLAC lead-in) is defined once, in the
// player's pure gapless-math module, and used here to compute what each rendition records.
export {
  AAC_FRAME_SAMPLES,
  FFMPEG_AAC_PRIMING_SAMPLES as FFMPEG_AAC_PRIMING,
  FLAC_BLOCK_SAMPLES,
  FLAC_LEAD_IN_SAMPLES,
} from '@tonearm/player/gapless-math';

export type RenditionResult = {
  name: string;
  /** `aac` for the AAC-LC rungs, `flac` for the lossless rung. */
  codec: 'aac' | 'flac';
  bitrateKbps: number;
  playlist: string;
  init: string;
  segments: { uri: string; durationSec: number; bytes: number }[];
  bandwidth: number;
  averageBandwidth: number;
  codecs: string;
  /**
   * Frames in the rendition: AAC frames of 1024 samples, or FLAC blocks of 1024 samples whose last
   * one is as short as the source's end needs (FLAC codes the exact length: padding 0).
   */
  frames: number;
  /** Samples a decoder outputs for the whole rendition: priming + source + padding (AAC: frames × 1024). */
  encodedSamples: number;
  /**
   * Sum of the sample durations in the fragments' trun boxes. ffmpeg shortens the last frame's
   * duration so that this equals priming + source samples: the container already ends the track
   * at the source's last sample, while a decoder still emits the padding.
   */
  containerSamples: number;
  /** Samples before the source's first: AAC priming, or the FLAC rung's lead-in (FLAC_LEAD_IN_SAMPLES). */
  primingSamples: number;
  paddingSamples: number;
  /** Where a player finds the priming: the fMP4 edit list, or only Tonearm's stored metadata. */
  gaplessSource: 'elst' | 'metadata';
  /** Priming measured by decoding the first segment and aligning it with the source PCM. */
  measuredPrimingSamples: number | null;
};

export type LadderResult = {
  sampleRate: number;
  sourceSamples: number;
  durationSec: number;
  loudness: Loudness;
  renditions: RenditionResult[];
  master: string;
  /** What made the source lossless (codec, bits), or why it got no lossless rung; null for lossy sources. */
  lossless: LosslessSource | null;
  timings: {
    decodeMs: number;
    encodeMs: number;
    totalMs: number;
    /** Wall time of the FLAC rung's encoder (it runs beside the AAC encoders); 0 without one. */
    flacEncodeMs: number;
  };
};

export type LadderOptions = {
  rungs?: Rung[];
  coder?: AacCoder;
  /**
   * Encoder processes run at once; defaults to one per rung. The rungs cost about the same CPU
   * (3–4 CPU-s per 4 minutes each, content-dependent), so one process per rung lets the kernel spread
   * them over the cores and they finish together; fixed per-core groups ended up to 15% apart.
   */
  processes?: number;
  /** Progress of the whole ladder in [0, 1]. */
  onProgress?: (fraction: number) => void;
  /** Check priming by decoding each rendition's first segment (cheap; on by default). */
  verifyPriming?: boolean;
  /**
   * The lossless rung: `auto` (default) probes the input and adds it when the source is lossless and
   * at 44.1 kHz / ≤ 24 bits; `false` never adds it (lossy sources, or a host that saves the space);
   * a LosslessSource (the caller already probed) decides without probing again.
   */
  lossless?: 'auto' | false | LosslessSource;
  signal?: AbortSignal;
  /** Decode at most this many seconds (the checked duration plus a margin; see durationLimitSec). */
  maxDurationSec?: number;
};

/** Splits rungs into groups of about equal encoder cost (cost grows with bit rate). */
export function groupRungs(rungs: Rung[], groups: number): Rung[][] {
  const n = Math.max(1, Math.min(groups, rungs.length));
  const out: Rung[][] = Array.from({ length: n }, () => []);
  const load = new Array<number>(n).fill(0);
  for (const r of [...rungs].sort((a, b) => b.kbps - a.kbps)) {
    const i = load.indexOf(Math.min(...load));
    out[i]!.push(r);
    load[i]! += 100 + r.kbps; // a fixed per-stream cost plus one growing with the rate
  }
  return out.filter((g) => g.length > 0);
}

/** One encoder process writing several renditions from the PCM, all cut at the same 6 s boundaries. */
export function encodeGroup(
  pcmFile: string,
  outDir: string,
  rungs: Rung[],
  coder: AacCoder,
  opts: { onTime?: (sec: number) => void; signal?: AbortSignal } = {},
): Promise<string> {
  const args: string[] = rungs.flatMap(() => ['-map', '0:a']);
  args.push('-c:a', 'aac', '-aac_coder', coder, '-profile:a', 'aac_low');
  args.push(...rungs.flatMap((r, i) => rungEncoderOptions(r, i)));
  const streams = rungs.map((r, i) => `a:${i},name:${r.name}`).join(' ');
  return runHlsEncoder(pcmFile, outDir, [...args, ...hlsOutputOptions(outDir, streams)], opts);
}

/**
 * The lossless rung's encoder: FLAC from the same PCM, at the source's bit depth (the float PCM of a
 * 16- or 24-bit source converts back to the same integers), after FLAC_LEAD_IN_SAMPLES zero samples,
 * in 1024-sample blocks, into fMP4 HLS cut like the AAC rungs. ffmpeg 5.1 calls FLAC in MP4
 * experimental (`-strict -2`); the muxer writes the `fLaC` sample entry with its `dfLa` box, as
 * the FLAC-in-ISOBMFF spec says, and Chromium, Firefox and Safari 17+ decode it through MSE.
 */
export function encodeFlac(
  pcmFile: string,
  outDir: string,
  bitsPerSample: 16 | 24,
  opts: { onTime?: (sec: number) => void; signal?: AbortSignal } = {},
): Promise<string> {
  const args = [
    '-map',
    '0:a',
    '-af',
    `adelay=delays=${FLAC_LEAD_IN_SAMPLES}S:all=1`,
    '-c:a',
    'flac',
    '-sample_fmt',
    bitsPerSample === 16 ? 's16' : 's32',
    ...(bitsPerSample === 24 ? ['-bits_per_raw_sample', '24'] : []),
    '-frame_size',
    String(FLAC_BLOCK_SAMPLES),
    '-compression_level',
    '5',
    '-strict',
    '-2',
    ...hlsOutputOptions(outDir, `a:0,name:${LOSSLESS_RUNG.name}`),
  ];
  return runHlsEncoder(pcmFile, outDir, args, opts);
}

/** ffmpeg's HLS muxer options every rung shares: 6 s fMP4 segments, one folder per variant. */
function hlsOutputOptions(outDir: string, varStreamMap: string): string[] {
  return [
    '-f',
    'hls',
    '-hls_time',
    String(TARGET_DURATION_SEC),
    '-hls_playlist_type',
    'vod',
    '-hls_segment_type',
    'fmp4',
    '-hls_flags',
    'independent_segments',
    '-hls_fmp4_init_filename',
    'init.mp4',
    '-hls_segment_filename',
    join(outDir, '%v', 'seg_%03d.m4s'),
    '-var_stream_map',
    varStreamMap,
  ];
}

/** One encoder process over the decoded PCM, writing `<outDir>/<variant>/index.m3u8` and segments. */
function runHlsEncoder(
  pcmFile: string,
  outDir: string,
  args: string[],
  opts: { onTime?: (sec: number) => void; signal?: AbortSignal },
): Promise<string> {
  const cmd = ffmpeg()
    .input(pcmFile)
    .inputOptions(...PCM_INPUT_OPTIONS)
    .output(join(outDir, '%v', 'index.m3u8'))
    .outputOptions(...args);
  return run(cmd, opts);
}

async function describeRendition(
  outDir: string,
  rung: Rung,
  sourceSamples: number,
  pcmFile: string,
  verifyPriming: boolean,
  codec: 'aac' | 'flac' = 'aac',
): Promise<RenditionResult> {
  const dir = join(outDir, rung.name);
  const playlistPath = join(dir, 'index.m3u8');
  let text = withTargetDuration(withIndependentSegments(await readFile(playlistPath, 'utf8')));
  await writeFile(playlistPath, text);
  const problems = checkMediaPlaylist(text);
  if (problems.length) throw new Error(`${rung.name}/index.m3u8: ${problems.join('; ')}`);
  const { manifest } = parsePlaylist(text);
  const initUri = manifest.segments[0]?.map?.uri ?? 'init.mp4';
  const initBuf = await readFile(join(/*turbopackIgnore: true*/ dir, initUri));
  const init = parseInit(initBuf);
  if (init.timescale !== PCM.sampleRate) throw new Error(`${rung.name}: timescale ${init.timescale}`);
  const segments: RenditionResult['segments'] = [];
  let containerSamples = 0;
  let frames = 0;
  const exactSec: number[] = [];
  for (const s of manifest.segments) {
    const buf = await readFile(join(dir, s.uri));
    const f = fragmentDuration(buf, init.defaultSampleDuration);
    containerSamples += f.duration;
    frames += f.samples;
    exactSec.push(f.duration / init.timescale);
    segments.push({ uri: s.uri, durationSec: s.duration, bytes: buf.length });
  }
  if (codec === 'flac') {
    // ffmpeg's HLS muxer guesses the last FLAC packet's duration (it reports 0) as a whole block, so
    // the last EXTINF runs up to 1024 samples past the audio; write every EXTINF from the trun instead.
    let i = 0;
    text = text.replace(/^#EXTINF:[\d.]+,/gm, () => `#EXTINF:${exactSec[i++]!.toFixed(6)},`);
    await writeFile(playlistPath, text);
    segments.forEach((s, k) => {
      s.durationSec = Number(exactSec[k]!.toFixed(6));
    });
  }
  const { peak, average } = bitrates(segments);
  const firstEdit = init.editList.find((e) => e.mediaTime >= 0);
  const elstPriming = firstEdit && firstEdit.mediaTime > 0 ? firstEdit.mediaTime : 0;
  let gapless: GaplessInfo;
  let encodedSamples: number;
  try {
    if (codec === 'flac') {
      // FLAC codes the exact length: the trun durations are what a decoder outputs, and no more.
      encodedSamples = containerSamples;
      gapless = flacGaplessInfo(frames, containerSamples, sourceSamples);
    } else {
      encodedSamples = frames * AAC_FRAME_SAMPLES;
      gapless = aacGaplessInfo(frames, sourceSamples, elstPriming || FFMPEG_AAC_PRIMING_SAMPLES);
    }
  } catch (err) {
    throw new Error(`${rung.name}: ${(err as Error).message}`);
  }
  const { primingSamples, paddingSamples } = gapless;
  const first = manifest.segments[0];
  const measured =
    verifyPriming && first
      ? await measurePriming(
          [join(/*turbopackIgnore: true*/ dir, initUri), join(/*turbopackIgnore: true*/ dir, first.uri)],
          pcmFile,
          primingSamples,
        )
      : null;
  if (measured !== null && measured !== primingSamples)
    throw new Error(`${rung.name}: decoded priming ${measured} samples, expected ${primingSamples}`);
  return {
    name: rung.name,
    bitrateKbps: rung.kbps,
    playlist: `${rung.name}/index.m3u8`,
    init: `${rung.name}/${initUri}`,
    segments: segments.map((s) => ({ ...s, uri: `${rung.name}/${s.uri}` })),
    bandwidth: peak,
    averageBandwidth: average,
    codec,
    codecs: codec === 'flac' ? FLAC_CODECS : AAC_LC_CODECS,
    frames,
    encodedSamples,
    containerSamples,
    primingSamples,
    paddingSamples,
    gaplessSource: elstPriming && codec === 'aac' ? 'elst' : 'metadata',
    measuredPrimingSamples: measured,
  };
}

/**
 * Runs the whole ladder for `input` (a local audio file; see ffmpeg.ts) into `outDir`:
 * <outDir>/master.m3u8 and <outDir>/<rung>/{index.m3u8,init.mp4,seg_NNN.m4s}. `workDir` holds the PCM.
 */
export async function transcodeLadder(
  input: string,
  outDir: string,
  workDir: string,
  opts: LadderOptions = {},
): Promise<LadderResult> {
  const rungs = opts.rungs ?? LADDER;
  const coder = opts.coder ?? 'twoloop';
  const t0 = performance.now();
  const pcmFile = join(workDir, 'source.f32');
  const report = (f: number) => opts.onProgress?.(Math.max(0, Math.min(1, f)));
  const lossless =
    opts.lossless === false
      ? null
      : opts.lossless === undefined || opts.lossless === 'auto'
        ? await probeLossless(input)
        : opts.lossless;
  const flacBits = lossless?.eligible ? lossless.bitsPerSample : null;
  const decoded = await decodeOnce(input, pcmFile, {
    signal: opts.signal,
    maxDurationSec: opts.maxDurationSec,
  });
  const durationSec = decoded.samples / PCM.sampleRate;
  report(0.1);
  const t1 = performance.now();
  const groups = groupRungs(rungs, opts.processes || rungs.length);
  const jobs = groups.length + (flacBits ? 1 : 0);
  const done = new Array<number>(jobs).fill(0);
  const onTime = (i: number) => (sec: number) => {
    done[i] = Math.min(1, sec / Math.max(durationSec, 0.001));
    report(0.1 + (0.85 * done.reduce((a, b) => a + b, 0)) / jobs);
  };
  let flacEncodeMs = 0;
  await Promise.all([
    ...groups.map((g, i) =>
      encodeGroup(pcmFile, outDir, g, coder, { signal: opts.signal, onTime: onTime(i) }),
    ),
    ...(flacBits
      ? [
          encodeFlac(pcmFile, outDir, flacBits, { signal: opts.signal, onTime: onTime(groups.length) }).then(
            () => {
              flacEncodeMs = performance.now() - t1;
            },
          ),
        ]
      : []),
  ]);
  const t2 = performance.now();
  const renditions: RenditionResult[] = [];
  const verify = opts.verifyPriming ?? true;
  for (const r of rungs)
    renditions.push(await describeRendition(outDir, r, decoded.samples, pcmFile, verify));
  if (flacBits)
    renditions.push(await describeRendition(outDir, LOSSLESS_RUNG, decoded.samples, pcmFile, verify, 'flac'));
  const master = writeMaster(
    renditions.map((r) => ({
      uri: r.playlist,
      bandwidth: r.bandwidth,
      averageBandwidth: r.averageBandwidth,
      codecs: r.codecs,
    })),
  );
  const masterProblems = checkMasterPlaylist(master);
  if (masterProblems.length) throw new Error(`master.m3u8: ${masterProblems.join('; ')}`);
  await writeFile(join(outDir, 'master.m3u8'), master);
  report(1);
  return {
    sampleRate: PCM.sampleRate,
    sourceSamples: decoded.samples,
    durationSec,
    loudness: decoded.loudness,
    renditions,
    master,
    lossless,
    timings: { decodeMs: t1 - t0, encodeMs: t2 - t1, totalMs: performance.now() - t0, flacEncodeMs },
  };
}

/** Every file under a ladder directory, as paths relative to it (for upload). */
export async function listFiles(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(join(dir, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(dir, p)));
    else if ((await stat(join(dir, p))).isFile()) out.push(p);
  }
  return out;
}
