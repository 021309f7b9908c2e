// Builds the gapless/loudness test fixtures with the pipeline's ffmpeg ladder command (RECIPES §8) and
// caches them under .data/fixtures/gapless/<version>/. Node only (the player package stays browser-safe).
//  - album: ONE continuous log sine sweep cut into three tracks at sample counts that are not multiples
//    of the AAC frame (1024), each cut encoded to MP3 (the pipeline's input), then to the 4-rung ladder;
//  - pair: two tracks mastered 12 LU apart; clip: a quiet track with full-scale transients.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { aacGaplessInfo, FFMPEG_AAC_PRIMING_SAMPLES } from '../../packages/player/src/gapless-math';

export const FIXTURE_VERSION = 'v1';
export const SAMPLE_RATE = 44100;
/** Album track lengths in samples: 7.3 s, 6.9 s, 7.7 s, none a multiple of 1024. */
export const ALBUM_CUTS = [321_937, 304_001, 339_583] as const;
export const SWEEP = { f0: 200, f1: 2000, amplitude: 0.5 } as const;
export const LADDER = ['64k', '128k', '192k', '320k'] as const;

export type FixtureRendition = {
  name: string;
  bandwidth: number;
  codecs: string;
  frames: number;
  primingSamples: number;
  paddingSamples: number;
  /** Priming found by decoding the rendition and aligning it with the decoded MP3. */
  measuredPrimingSamples: number;
};

export type FixtureTrack = {
  id: string;
  albumId: string | null;
  /** Path of the master playlist, relative to the fixture root. */
  master: string;
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

/** The pipeline's ladder command (RECIPES §8): one decode, four AAC-LC rungs, fMP4 HLS, 6 s segments. */
export function encodeLadder(mp3: string, out: string): void {
  mkdirSync(out, { recursive: true });
  run('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-i',
    mp3,
    ...LADDER.flatMap(() => ['-map', '0:a:0']),
    '-vn',
    '-c:a',
    'aac',
    '-ar',
    String(SAMPLE_RATE),
    '-ac',
    '2',
    ...LADDER.flatMap((b, i) => [`-b:a:${i}`, b]),
    '-f',
    'hls',
    '-hls_time',
    '6',
    '-hls_playlist_type',
    'vod',
    '-hls_segment_type',
    'fmp4',
    '-hls_flags',
    'independent_segments',
    '-hls_fmp4_init_filename',
    'init.mp4',
    '-hls_segment_filename',
    join(out, '%v/seg_%03d.m4s'),
    '-master_pl_name',
    'master.m3u8',
    '-var_stream_map',
    LADDER.map((b, i) => `a:${i},name:${b}`).join(' '),
    join(out, '%v/index.m3u8'),
  ]);
}

/** init + segments of one rendition as one fMP4 file (for ffprobe / ffmpeg). */
function joinRendition(dir: string): string {
  const files = readdirSync(dir).sort();
  const init = files.find((f) => f.startsWith('init_'));
  if (!init) throw new Error(`no init segment in ${dir}`);
  const parts = [init, ...files.filter((f) => f.endsWith('.m4s'))].map((f) => readFileSync(join(dir, f)));
  const path = join(dir, '..', `${dir.split('/').at(-1)}.joined.mp4`);
  writeFileSync(path, Buffer.concat(parts));
  return path;
}

function countFrames(file: string): number {
  const out = run('ffprobe', [
    '-v',
    'error',
    '-count_packets',
    '-select_streams',
    'a:0',
    '-show_entries',
    'stream=nb_read_packets',
    '-of',
    'csv=p=0',
    file,
  ]).toString();
  return Number(out.trim());
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

function masterBandwidths(masterPath: string): { bandwidth: number; codecs: string }[] {
  const text = readFileSync(masterPath, 'utf8');
  return [...text.matchAll(/#EXT-X-STREAM-INF:BANDWIDTH=(\d+),CODECS="([^"]+)"/g)].map((m) => ({
    bandwidth: Number(m[1]),
    codecs: m[2]!,
  }));
}

/** Encodes one track (float WAV → MP3 320k → ladder) and measures what the player needs. */
function buildTrack(
  root: string,
  id: string,
  signal: [Float32Array, Float32Array],
  albumId: string | null,
): Omit<FixtureTrack, 'album'> {
  const dir = join(root, id);
  mkdirSync(dir, { recursive: true });
  const wav = join(dir, 'source.wav');
  const mp3 = join(dir, 'source.mp3');
  writeWav(wav, signal);
  run('ffmpeg', ['-v', 'error', '-y', '-i', wav, '-c:a', 'libmp3lame', '-b:a', '320k', mp3]);
  const source = decodeF32(mp3);
  const sourceSamples = source.length / 2;
  encodeLadder(mp3, dir);
  const variants = masterBandwidths(join(dir, 'master.m3u8'));
  const renditions = LADDER.map((name, i): FixtureRendition => {
    const joined = joinRendition(join(dir, name));
    const frames = countFrames(joined);
    const info = aacGaplessInfo(frames, sourceSamples, FFMPEG_AAC_PRIMING_SAMPLES);
    const decoded = decodeF32(joined);
    if (decoded.length / 2 !== frames * 1024 && decoded.length / 2 !== frames * 1024 - info.paddingSamples)
      throw new Error(`${id}/${name}: decoded ${decoded.length / 2} samples from ${frames} frames`);
    rmSync(joined);
    return {
      name,
      bandwidth: variants[i]!.bandwidth,
      codecs: variants[i]!.codecs,
      frames,
      ...info,
      measuredPrimingSamples: leadingOffset(decoded, source),
    };
  });
  rmSync(wav);
  const { loudnessLufs, truePeakDb } = ebur128([mp3]);
  return {
    id,
    albumId,
    master: `${id}/master.m3u8`,
    renditions,
    sampleRate: SAMPLE_RATE,
    sourceSamples,
    loudnessLufs,
    truePeakDb,
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
export function ensureFixtures(baseDir: string): FixtureSet {
  const root = resolve(baseDir, FIXTURE_VERSION);
  const manifest = join(root, 'manifest.json');
  // The manifest holds only the tracks: the root is where it was found (the worktree may move).
  if (existsSync(manifest))
    return {
      root,
      tracks: (JSON.parse(readFileSync(manifest, 'utf8')) as Pick<FixtureSet, 'tracks'>).tracks,
    };
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const total = ALBUM_CUTS.reduce((a, b) => a + b, 0);
  const [L, R] = sweepSignal(total);
  const tracks: Record<string, FixtureTrack> = {};
  const albumIds: string[] = [];
  let at = 0;
  ALBUM_CUTS.forEach((len, k) => {
    const id = `album-t${k + 1}`;
    const t = buildTrack(root, id, [L.slice(at, at + len), R.slice(at, at + len)], 'album-sweep');
    if (t.sourceSamples !== len)
      throw new Error(`${id}: MP3 decodes to ${t.sourceSamples} samples, cut ${len}`);
    tracks[id] = { ...t, album: null };
    albumIds.push(id);
    at += len;
  });
  const album = ebur128(albumIds.map((id) => join(root, id, 'source.mp3')));
  for (const id of albumIds) tracks[id]!.album = album;
  // 12 LU apart: amplitudes 0.056 and 0.22 are 12 dB apart (×3.98).
  tracks['pair-quiet'] = {
    ...buildTrack(root, 'pair-quiet', beatChord(5.5, 0.0556, 0.3), null),
    album: null,
  };
  tracks['pair-loud'] = { ...buildTrack(root, 'pair-loud', beatChord(5.5, 0.2213, 1.1), null), album: null };
  tracks.clip = { ...buildTrack(root, 'clip', clipBait(4.5), null), album: null };
  writeFileSync(manifest, JSON.stringify({ tracks }, null, 2));
  return { root, tracks };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const set = ensureFixtures(process.argv[2] ?? '.data/fixtures/gapless');
  console.log(JSON.stringify(set, null, 2));
}

/** One rendition decoded by ffmpeg with priming and padding cut (interleaved stereo): the exact encoded track. */
export function decodeRendition(set: FixtureSet, id: string, rung: string): Float32Array {
  const t = set.tracks[id];
  if (!t) throw new Error(`no fixture ${id}`);
  const dir = join(set.root, id, rung);
  const files = readdirSync(dir).sort();
  const init = files.find((f) => f.startsWith('init_'));
  if (!init) throw new Error(`no init segment in ${dir}`);
  const joined = join(set.root, id, `${rung}.joined.mp4`);
  writeFileSync(
    joined,
    Buffer.concat([init, ...files.filter((f) => f.endsWith('.m4s'))].map((f) => readFileSync(join(dir, f)))),
  );
  const r = t.renditions.find((x) => x.name === rung)!;
  const all = decodeF32(joined);
  rmSync(joined);
  return all.subarray(r.primingSamples * 2, (r.primingSamples + t.sourceSamples) * 2);
}
