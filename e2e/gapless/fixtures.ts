// Builds the gapless/loudness test fixtures through the project's real transcode pipeline
// (@tonearm/media's transcodeLadder with the worker's settings, recorded by songMediaRecord exactly as
// the transcode job stores it on the song; album loudness by measureAlbumLoudness, as the album job
// does) and caches them under .data/fixtures/gapless/<version>/, the version hashing the pipeline's
// source so a change to the encoder settings rebuilds them. Node only (the player stays browser-safe).
//  - album: ONE continuous log sine sweep cut into three tracks at sample counts that are not multiples
//    of the AAC frame (1024), each cut encoded to MP3 (the uploaded source), then through the pipeline;
//  - lossless album (issue 15): the same sweep and cuts, each cut a 16-bit FLAC upload, so the pipeline
//    adds its FLAC-in-fMP4 rung; the FLAC sources are the bit-exact reference for what Chromium plays;
//  - pair: two tracks mastered 12 LU apart; clip: a quiet track with full-scale transients.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { env } from '@tonearm/config';
import {
  type LadderResult,
  measureAlbumLoudness,
  LADDER as PIPELINE_LADDER,
  type RenditionRecord,
  songMediaRecord,
  transcodeLadder,
} from '@tonearm/media';

const here = import.meta.dirname;
const mediaSrc = join(here, '..', '..', 'packages', 'media', 'src');
/** Changes whenever the pipeline's code (or this builder) changes, so cached fixtures never go stale. */
export const FIXTURE_VERSION = `v2-${createHash('sha256')
  .update(
    ['ladder.ts', 'ffmpeg.ts', 'gapless.ts', 'hls.ts', 'mp4.ts', 'record.ts', 'album-loudness.ts']
      .map((f) => readFileSync(join(mediaSrc, f), 'utf8'))
      .join('\0'),
  )
  .update(readFileSync(import.meta.filename, 'utf8'))
  .digest('hex')
  .slice(0, 12)}`;
export const SAMPLE_RATE = 44100;
/** Album track lengths in samples: 7.3 s, 6.9 s, 7.7 s, none a multiple of 1024. */
export const ALBUM_CUTS = [321_937, 304_001, 339_583] as const;
export const SWEEP = { f0: 200, f1: 2000, amplitude: 0.5 } as const;
/** The pipeline's rung names, lowest first (the engine's level order). */
export const LADDER = PIPELINE_LADDER.map((r) => r.name);

/** The lossless album: the sweep at ALBUM_CUTS, uploaded as 16-bit FLAC. */
export const LOSSLESS_ALBUM = ['flac-t1', 'flac-t2', 'flac-t3'] as const;

export type FixtureRendition = RenditionRecord & {
  /** Priming the pipeline measured on the first segment while transcoding (null: not measured). */
  measuredPrimingSamples: number | null;
  /** Priming found by decoding the whole rendition and aligning it with the decoded MP3. */
  decodedPrimingSamples: number;
};

export type FixtureTrack = {
  id: string;
  albumId: string | null;
  /** Path of the master playlist, relative to the fixture root. */
  master: string;
  /** The uploaded source, relative to the fixture root (`<id>/source.mp3` or `<id>/source.flac`). */
  source: string;
  renditions: FixtureRendition[];
  sampleRate: number;
  sourceSamples: number;
  loudnessLufs: number;
  truePeakDb: number;
  album: { loudnessLufs: number; truePeakDb: number } | null;
};

export type FixtureSet = { root: string; tracks: Record<string, FixtureTrack> };

const run = (cmd: string, args: string[]) =>
  execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 512 * 1024 * 1024 });

/** The continuous album signal (left, right) at sample n: a log sweep; right is the quadrature. */
export function sweepSignal(total: number): [Float32Array, Float32Array] {
  const l = new Float32Array(total);
  const r = new Float32Array(total);
  const T = total / SAMPLE_RATE;
  const k = Math.log(SWEEP.f1 / SWEEP.f0);
  for (let n = 0; n < total; n++) {
    const t = n / SAMPLE_RATE;
    const phase = ((2 * Math.PI * SWEEP.f0 * T) / k) * (Math.exp((t / T) * k) - 1);
    l[n] = SWEEP.amplitude * Math.sin(phase);
    r[n] = SWEEP.amplitude * Math.cos(phase);
  }
  return [l, r];
}

function writeWav(path: string, [l, r]: [Float32Array, Float32Array]): void {
  const n = l.length;
  const buf = Buffer.alloc(44 + n * 8);
  buf.write('RIFF', 0);
  buf.writeUInt32LE(36 + n * 8, 4);
  buf.write('WAVEfmt ', 8);
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(3, 20); // IEEE float
  buf.writeUInt16LE(2, 22);
  buf.writeUInt32LE(SAMPLE_RATE, 24);
  buf.writeUInt32LE(SAMPLE_RATE * 8, 28);
  buf.writeUInt16LE(8, 32);
  buf.writeUInt16LE(32, 34);
  buf.write('data', 36);
  buf.writeUInt32LE(n * 8, 40);
  for (let i = 0; i < n; i++) {
    buf.writeFloatLE(l[i]!, 44 + i * 8);
    buf.writeFloatLE(r[i]!, 48 + i * 8);
  }
  writeFileSync(path, buf);
}

/** Decodes any file ffmpeg reads to interleaved stereo float32 at 44.1 kHz. */
export function decodeF32(path: string): Float32Array {
  const raw = run('ffmpeg', [
    '-v',
    'error',
    '-i',
    path,
    '-f',
    'f32le',
    '-ac',
    '2',
    '-ar',
    String(SAMPLE_RATE),
    '-',
  ]);
  return new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4).slice();
}

/** EBU R128 integrated loudness and true peak by ffmpeg's ebur128 filter, as the pipeline measures. */
export function ebur128(inputs: string[]): { loudnessLufs: number; truePeakDb: number } {
  const args = ['-nostats', '-hide_banner'];
  for (const i of inputs) args.push('-i', i);
  const chain =
    inputs.length > 1 ? `${inputs.map((_, i) => `[${i}:a]`).join('')}concat=n=${inputs.length}:v=0:a=1,` : '';
  args.push('-filter_complex', `${chain}ebur128=peak=true`, '-f', 'null', '-');
  const res = spawnSync('ffmpeg', args, { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`ffmpeg ebur128 failed: ${res.stderr}`);
  const summary = res.stderr.slice(res.stderr.lastIndexOf('Summary:'));
  const i = summary.match(/I:\s+(-?[\d.]+) LUFS/);
  const tp = summary.match(/Peak:\s+(-?[\d.]+) dBFS/);
  if (!i || !tp) throw new Error(`ebur128: no summary in ${summary}`);
  return { loudnessLufs: Number(i[1]), truePeakDb: Number(tp[1]) };
}

/** Lag (samples) at which `decoded` best matches `source` over the first 16384 samples (left channel). */
export function leadingOffset(decoded: Float32Array, source: Float32Array, maxLag = 4096): number {
  const n = 16384;
  let best = 0;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (let lag = 0; lag <= maxLag; lag++) {
    let dot = 0;
    let e = 0;
    for (let i = 0; i < n; i++) {
      const d = decoded[2 * (i + lag)] ?? 0;
      dot += d * (source[2 * i] ?? 0);
      e += d * d;
    }
    const score = dot / Math.sqrt(e || 1);
    if (score > bestScore) {
      bestScore = score;
      best = lag;
    }
  }
  return best;
}

/** A rendition's init + segments (as its media playlist lists them) joined into one fMP4 file. */
function joinRendition(root: string, id: string, playlist: string): string {
  const dir = join(root, id, dirname(playlist));
  const text = readFileSync(join(root, id, playlist), 'utf8');
  const init = text.match(/#EXT-X-MAP:URI="([^"]+)"/)?.[1];
  if (!init) throw new Error(`no EXT-X-MAP in ${id}/${playlist}`);
  const segs = text.split('\n').filter((l) => l && !l.startsWith('#'));
  const path = join(root, id, `${playlist.replaceAll('/', '_')}.joined.mp4`);
  writeFileSync(path, Buffer.concat([init, ...segs].map((f) => readFileSync(join(dir, f)))));
  return path;
}

/**
 * Encodes one track the way an upload is processed: float WAV → MP3 320k (the uploaded source) → the
 * transcode pipeline's `transcodeLadder` with the worker's settings → `songMediaRecord`, the fields the
 * transcode job stores on the song. Nothing here assumes an encoder delay: priming, padding, frames and
 * loudness are what the pipeline recorded, and the fixture checks the record against a full decode.
 * `flac`: the upload is a 16-bit FLAC instead (a lossless source: the ladder gains its FLAC rung).
 */
async function buildTrack(
  root: string,
  id: string,
  signal: [Float32Array, Float32Array],
  albumId: string | null,
  format: 'mp3' | 'flac' = 'mp3',
): Promise<Omit<FixtureTrack, 'album'>> {
  const dir = join(root, id);
  mkdirSync(dir, { recursive: true });
  const wav = join(dir, 'source.wav');
  const mp3 = join(dir, `source.${format}`);
  writeWav(wav, signal);
  const codec =
    format === 'mp3' ? ['-c:a', 'libmp3lame', '-b:a', '320k'] : ['-c:a', 'flac', '-sample_fmt', 's16'];
  run('ffmpeg', ['-v', 'error', '-y', '-i', wav, ...codec, mp3]);
  rmSync(wav);
  const work = mkdtempSync(join(tmpdir(), `tonearm-gapless-${id}-`));
  let ladder: LadderResult;
  try {
    const cfg = env();
    ladder = await transcodeLadder(mp3, dir, work, {
      coder: cfg.MEDIA_AAC_CODER,
      processes: cfg.MEDIA_ENCODER_PROCESSES || undefined,
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const record = songMediaRecord(ladder);
  const source = decodeF32(mp3);
  if (source.length / 2 !== record.sourceSamples)
    throw new Error(
      `${id}: the pipeline recorded ${record.sourceSamples} source samples, ${source.length / 2} decode`,
    );
  const renditions = record.renditions.map((r, i): FixtureRendition => {
    // The record must describe the files: a full decode gives frames × 1024 samples (or that minus the
    // padding when the container's shortened last frame is honoured), and the source sits at the priming.
    const joined = joinRendition(root, id, r.playlist);
    const decoded = decodeF32(joined);
    rmSync(joined);
    const n = decoded.length / 2;
    if (r.codec === 'flac') {
      // FLAC: 1024-sample blocks, the last one short; the decoder emits lead-in + source, no padding.
      if (n !== r.primingSamples + record.sourceSamples || r.paddingSamples !== 0)
        throw new Error(
          `${id}/${r.name}: decoded ${n} samples, the record says ${r.primingSamples} + source`,
        );
      if (r.frames !== Math.ceil(n / 1024)) throw new Error(`${id}/${r.name}: ${r.frames} blocks for ${n}`);
      const exact = source.subarray(0, 2 * record.sourceSamples);
      const got = decoded.subarray(2 * r.primingSamples);
      for (let i = 0; i < exact.length; i++)
        if (got[i] !== exact[i]) throw new Error(`${id}/${r.name}: sample ${i >> 1} is not the source's`);
    } else {
      if (n !== r.frames * 1024 && n !== r.frames * 1024 - r.paddingSamples)
        throw new Error(`${id}/${r.name}: decoded ${n} samples, the record says ${r.frames} frames`);
      if (r.primingSamples + record.sourceSamples + r.paddingSamples !== r.frames * 1024)
        throw new Error(`${id}/${r.name}: priming + source + padding ≠ frames × 1024`);
    }
    const decodedPrimingSamples = leadingOffset(decoded, source);
    // ±2: the correlation of the low rungs is a little noisy (PNS, band limiting). Against an exact
    // (FLAC) source the 64k rung's pre-echo on the track's hard first edge pulls it 5 samples late:
    // ±8 there (the pipeline's own check, measurePriming, found 1024 on every rung).
    const tolerance = format === 'flac' && r.bitrateKbps <= 64 ? 8 : 2;
    if (Math.abs(decodedPrimingSamples - r.primingSamples) > tolerance)
      throw new Error(
        `${id}/${r.name}: recorded priming ${r.primingSamples}, decoded ${decodedPrimingSamples}`,
      );
    return {
      ...r,
      measuredPrimingSamples: ladder.renditions[i]!.measuredPrimingSamples,
      decodedPrimingSamples,
    };
  });
  if (record.loudnessLufs === null || record.truePeakDb === null)
    throw new Error(`${id}: the pipeline recorded no loudness`);
  return {
    id,
    albumId,
    master: `${id}/master.m3u8`,
    source: `${id}/source.${format}`,
    renditions,
    sampleRate: record.sampleRate,
    sourceSamples: record.sourceSamples,
    loudnessLufs: record.loudnessLufs,
    truePeakDb: record.truePeakDb,
  };
}

/** A chord with a steady 2 Hz beat, scaled by `amplitude`: music-like crest factor, known loudness. */
function beatChord(seconds: number, amplitude: number, seed: number): [Float32Array, Float32Array] {
  const n = Math.round(seconds * SAMPLE_RATE);
  const l = new Float32Array(n);
  const r = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / SAMPLE_RATE;
    const env = 0.55 + 0.45 * Math.cos(2 * Math.PI * 2 * t);
    const c =
      Math.sin(2 * Math.PI * 220 * t + seed) +
      0.7 * Math.sin(2 * Math.PI * 277.18 * t) +
      0.5 * Math.sin(2 * Math.PI * 329.63 * t + seed * 2);
    l[i] = (amplitude * env * c) / 2.2;
    r[i] = (amplitude * env * (c + 0.3 * Math.sin(2 * Math.PI * 440 * t))) / 2.5;
  }
  return [l, r];
}

/** A quiet tone with short full-scale bursts: low loudness, true peak near 0 dBTP. */
function clipBait(seconds: number): [Float32Array, Float32Array] {
  const n = Math.round(seconds * SAMPLE_RATE);
  const l = new Float32Array(n);
  const r = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / SAMPLE_RATE;
    const inBurst = t % 0.5 < 0.004;
    const v = 0.02 * Math.sin(2 * Math.PI * 330 * t) + (inBurst ? 0.9 * Math.sin(2 * Math.PI * 1500 * t) : 0);
    l[i] = v;
    r[i] = v;
  }
  return [l, r];
}

/** Builds (once) and returns the fixture set; safe to call from every test. */
export async function ensureFixtures(baseDir: string): Promise<FixtureSet> {
  const root = resolve(baseDir, FIXTURE_VERSION);
  const manifest = join(root, 'manifest.json');
  // The manifest holds only the tracks: the root is where it was found (the worktree may move).
  if (existsSync(manifest))
    return {
      root,
      tracks: (JSON.parse(readFileSync(manifest, 'utf8')) as Pick<FixtureSet, 'tracks'>).tracks,
    };
  // Fixtures of an older pipeline are of no use any more.
  if (existsSync(baseDir))
    for (const old of readdirSync(baseDir)) rmSync(join(baseDir, old), { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const total = ALBUM_CUTS.reduce((a, b) => a + b, 0);
  const [L, R] = sweepSignal(total);
  const tracks: Record<string, FixtureTrack> = {};
  const albumIds: string[] = [];
  let at = 0;
  for (const [k, len] of ALBUM_CUTS.entries()) {
    const id = `album-t${k + 1}`;
    const t = await buildTrack(root, id, [L.slice(at, at + len), R.slice(at, at + len)], 'album-sweep');
    if (t.sourceSamples !== len)
      throw new Error(`${id}: the pipeline recorded ${t.sourceSamples} samples, cut ${len}`);
    tracks[id] = { ...t, album: null };
    albumIds.push(id);
    at += len;
  }
  const album = await measureAlbumLoudness(albumIds.map((id) => join(root, id, 'source.mp3')));
  for (const id of albumIds)
    tracks[id]!.album = { loudnessLufs: album.integratedLufs, truePeakDb: album.truePeakDb };
  at = 0;
  for (const [k, len] of ALBUM_CUTS.entries()) {
    const id = LOSSLESS_ALBUM[k]!;
    const t = await buildTrack(
      root,
      id,
      [L.slice(at, at + len), R.slice(at, at + len)],
      'album-flac',
      'flac',
    );
    if (t.sourceSamples !== len || !t.renditions.some((r) => r.codec === 'flac'))
      throw new Error(
        `${id}: ${t.sourceSamples} samples (cut ${len}), rungs ${t.renditions.map((r) => r.name)}`,
      );
    tracks[id] = { ...t, album: null };
    at += len;
  }
  // 12 LU apart: amplitudes 0.056 and 0.22 are 12 dB apart (×3.98). Every track lasts over 6 s: the
  // pipeline's playlist check rejects a track shorter than one target duration (TARGETDURATION 5).
  tracks['pair-quiet'] = {
    ...(await buildTrack(root, 'pair-quiet', beatChord(6.5, 0.0556, 0.3), null)),
    album: null,
  };
  tracks['pair-loud'] = {
    ...(await buildTrack(root, 'pair-loud', beatChord(6.5, 0.2213, 1.1), null)),
    album: null,
  };
  tracks.clip = { ...(await buildTrack(root, 'clip', clipBait(6.5), null)), album: null };
  writeFileSync(manifest, JSON.stringify({ tracks }, null, 2));
  return { root, tracks };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const set = await ensureFixtures(process.argv[2] ?? '.data/fixtures/gapless');
  console.log(JSON.stringify(set, null, 2));
}

/** Name of the rendition the engine calls `level` (renditions sorted by bandwidth, lowest first). */
export function rungAt(set: FixtureSet, id: string, level: number): string {
  const t = set.tracks[id];
  if (!t) throw new Error(`no fixture ${id}`);
  const r = [...t.renditions].sort((a, b) => a.bandwidth - b.bandwidth)[level];
  if (!r) throw new Error(`${id}: no level ${level}`);
  return r.name;
}

/** One rendition decoded by ffmpeg with priming and padding cut (interleaved stereo): the exact encoded track. */
export function decodeRendition(set: FixtureSet, id: string, rung: string): Float32Array {
  const t = set.tracks[id];
  if (!t) throw new Error(`no fixture ${id}`);
  const r = t.renditions.find((x) => x.name === rung);
  if (!r) throw new Error(`${id}: no rendition ${rung}`);
  const joined = joinRendition(set.root, id, r.playlist);
  const all = decodeF32(joined);
  rmSync(joined);
  return all.subarray(r.primingSamples * 2, (r.primingSamples + t.sourceSamples) * 2);
}
