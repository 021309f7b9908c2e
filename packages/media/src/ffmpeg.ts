// ffmpeg and ffprobe through fluent-ffmpeg: probing an upload, the single decode of the source (PCM for
// the encoders plus EBU R128 loudness in the same pass), and a small promise wrapper with progress.
//
// Hostile sources (docs/SECURITY.md, "ffmpeg reads only the file it was given"): every function here
// that reads a source takes a LOCAL file, identifies its container from its first bytes against the
// accepted audio formats (sniffAudioContainer) BEFORE any demuxer runs, and runs ffprobe/ffmpeg with
// that demuxer forced (-f), protocols limited to file and pipe, and a time limit (SIGKILL past it). A
// playlist (HLS, concat, SDP...) uploaded as audio/mpeg is thus refused without ffmpeg ever seeing it,
// and no demuxer that could follow a URL is reachable.
// Size: About 370 lines: each ffmpeg/ffprobe invocation with its argument list and output parsing, kept
// together so flags are read in one place.
import { execFile } from 'node:child_process';
import { open } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import ffmpeg, { type FfprobeData } from 'fluent-ffmpeg';

/** The only protocols ffmpeg may open: the local file it was given and pipes. */
export const PROTOCOL_WHITELIST = 'file,pipe';

/** The accepted source containers, as the ffmpeg demuxer each is read with. */
export const AUDIO_DEMUXERS = {
  mp3: 'mp3',
  flac: 'flac',
  ogg: 'ogg', // Vorbis, Opus
  mp4: 'mov', // AAC / ALAC in M4A
  aac: 'aac', // raw ADTS
  wav: 'wav',
  aiff: 'aiff',
} as const;
export type AudioContainer = keyof typeof AUDIO_DEMUXERS;

/** Hard time limits (ms): a process past its limit is killed. */
export const FFMPEG_TIMEOUTS = { probeMs: 20_000, decodeCheckMs: 120_000, decodeMs: 30 * 60_000 } as const;

export class UnsupportedSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedSourceError';
  }
}

/** An ID3v2 tag's total length (header + body + footer), 0 when `b` does not start with one. */
function id3Length(b: Buffer): number {
  if (b.length < 10 || b.toString('latin1', 0, 3) !== 'ID3') return 0;
  const size = ((b[6]! & 0x7f) << 21) | ((b[7]! & 0x7f) << 14) | ((b[8]! & 0x7f) << 7) | (b[9]! & 0x7f);
  return 10 + size + (b[5]! & 0x10 ? 10 : 0);
}

const isMpegAudioFrame = (b: Buffer, i: number) =>
  i + 4 <= b.length &&
  b[i] === 0xff &&
  (b[i + 1]! & 0xe0) === 0xe0 &&
  ((b[i + 1]! >> 3) & 3) !== 1 && // version: reserved
  ((b[i + 1]! >> 1) & 3) !== 0 && // layer: 0 is ADTS, not MPEG audio
  b[i + 2]! >> 4 !== 0xf && // bit rate: bad
  ((b[i + 2]! >> 2) & 3) !== 3; // sample rate: reserved

const isAdts = (b: Buffer, i: number) => i + 7 <= b.length && b[i] === 0xff && (b[i + 1]! & 0xf6) === 0xf0;

/**
 * The container of `file` from its first bytes, or null when it is none of the accepted audio
 * formats. Text formats (an M3U8 playlist, an ffconcat script, SDP) never match.
 */
export async function sniffAudioContainer(file: string): Promise<AudioContainer | null> {
  const fh = await open(file, 'r');
  try {
    const head = Buffer.alloc(64 * 1024);
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    let b = head.subarray(0, bytesRead);
    const ascii = (from: number, to: number) => b.toString('latin1', from, to);
    if (ascii(0, 4) === 'fLaC') return 'flac';
    if (ascii(0, 4) === 'OggS') return 'ogg';
    if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE') return 'wav';
    if (ascii(0, 4) === 'FORM' && (ascii(8, 12) === 'AIFF' || ascii(8, 12) === 'AIFC')) return 'aiff';
    if (ascii(4, 8) === 'ftyp') return 'mp4';
    // MP3 and ADTS may start with an ID3v2 tag (of any size: read the first bytes after it).
    const skip = id3Length(b);
    if (skip > 0) {
      const after = Buffer.alloc(8);
      const r = await fh.read(after, 0, after.length, skip);
      b = after.subarray(0, r.bytesRead);
    }
    if (isMpegAudioFrame(b, 0)) return 'mp3';
    if (isAdts(b, 0)) return 'aac';
    return null;
  } finally {
    await fh.close();
  }
}

/**
 * Checks that `input` is a local file in an accepted audio container; returns the ffmpeg input
 * options that read it with that demuxer only, and local files only.
 */
export async function safeInputOptions(input: string): Promise<string[]> {
  if (!isAbsolute(input) || /^[a-z][a-z0-9+.-]*:/i.test(input))
    throw new UnsupportedSourceError('ffmpeg reads local files only: copy the source to disk first');
  const container = await sniffAudioContainer(input).catch((e: unknown) => {
    throw new UnsupportedSourceError(`cannot read the source: ${(e as Error).message}`);
  });
  if (!container)
    throw new UnsupportedSourceError(
      'not an accepted audio format (MP3, FLAC, Ogg Vorbis/Opus, AAC/M4A, ALAC, WAV, AIFF)',
    );
  return ['-nostdin', '-protocol_whitelist', PROTOCOL_WHITELIST, '-f', AUDIO_DEMUXERS[container]];
}

/** The PCM every encoder reads: the source decoded once, resampled once. */
export const PCM = { format: 'f32le', sampleRate: 44_100, channels: 2, bytesPerFrame: 8 } as const;
export const PCM_INPUT_OPTIONS = [
  '-f',
  PCM.format,
  '-ar',
  String(PCM.sampleRate),
  '-ac',
  String(PCM.channels),
];

export type RunOptions = {
  /** Called with the seconds of output written so far (ffmpeg's progress timemark). */
  onTime?: (seconds: number) => void;
  signal?: AbortSignal;
  /** Kill the process (SIGKILL) past this many ms; every process has a limit. */
  timeoutMs?: number;
};

const timemarkToSec = (t: string) => {
  const m = /^(\d+):(\d+):([\d.]+)$/.exec(t);
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : 0;
};

/** Runs a fluent-ffmpeg command to completion; resolves with ffmpeg's stderr (filters log there). */
export function run(cmd: ffmpeg.FfmpegCommand, opts: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    let timedOut = false;
    const onAbort = () => cmd.kill('SIGKILL');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const limit = opts.timeoutMs ?? FFMPEG_TIMEOUTS.decodeMs;
    const timer = setTimeout(() => {
      timedOut = true;
      cmd.kill('SIGKILL');
    }, limit);
    cmd
      .on('stderr', (line: string) => {
        stderr += `${line}\n`;
      })
      .on('progress', (p: { timemark?: string }) => {
        if (p.timemark) opts.onTime?.(timemarkToSec(p.timemark));
      })
      .on('error', (err: Error) => {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        const why = timedOut ? `ffmpeg timed out after ${limit} ms` : err.message;
        reject(new Error(`${why}\n${stderr.split('\n').slice(-15).join('\n')}`));
      })
      .on('end', () => {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        resolve(stderr);
      })
      .run();
  });
}

/** ffprobe of a local audio file (container checked first, demuxer forced, killed past probeMs). */
export async function probe(input: string): Promise<FfprobeData> {
  const inputOptions = await safeInputOptions(input);
  const args = ['-v', 'error', '-of', 'json', '-show_streams', '-show_format', ...inputOptions.slice(1)];
  return new Promise((resolve, reject) => {
    execFile(
      'ffprobe',
      [...args, '-i', input],
      { timeout: FFMPEG_TIMEOUTS.probeMs, killSignal: 'SIGKILL', maxBuffer: 8 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) {
          const why = err.killed ? `ffprobe timed out after ${FFMPEG_TIMEOUTS.probeMs} ms` : err.message;
          reject(new Error(`${why}\n${stderr}`));
          return;
        }
        try {
          const data = JSON.parse(stdout) as Partial<FfprobeData>;
          resolve({ streams: data.streams ?? [], format: data.format ?? {}, chapters: data.chapters ?? [] });
        } catch (e) {
          reject(e as Error);
        }
      },
    );
  });
}

export type Loudness = {
  /** EBU R128 integrated loudness, LUFS. */
  integratedLufs: number;
  /** Loudness range, LU. */
  rangeLu: number;
  /** True peak (4× oversampled), dBTP. */
  truePeakDb: number;
};

/** Parses the Summary block the ebur128 filter prints at the end. */
export function parseEbur128(stderr: string): Loudness {
  const summary = stderr.slice(stderr.lastIndexOf('Summary:'));
  const num = (re: RegExp) => {
    const m = re.exec(summary);
    if (!m?.[1]) throw new Error(`ebur128 summary lacks ${re}`);
    return m[1] === '-inf' ? Number.NEGATIVE_INFINITY : Number(m[1]);
  };
  return {
    integratedLufs: num(/I:\s+(-?[\d.]+|-inf) LUFS/),
    rangeLu: num(/LRA:\s+(-?[\d.]+) LU/),
    truePeakDb: num(/Peak:\s+(-?[\d.]+|-inf) dBFS/),
  };
}

/**
 * Decodes the source once into raw PCM (44.1 kHz stereo float) and measures EBU R128 loudness in the
 * same pass: the encoders then read the PCM, so the MP3 is never decoded twice.
 */
export async function decodeOnce(
  input: string,
  pcmFile: string,
  opts: RunOptions & {
    /** Decode at most this many seconds of the source (its checked duration plus a margin). */
    maxDurationSec?: number;
  } = {},
): Promise<{ loudness: Loudness; samples: number }> {
  const inputOptions = await safeInputOptions(input);
  if (opts.maxDurationSec !== undefined) inputOptions.push('-t', opts.maxDurationSec.toFixed(3));
  const cmd = ffmpeg(input)
    .inputOptions(...inputOptions)
    .output(pcmFile)
    .outputOptions(
      '-map',
      '0:a:0',
      '-vn',
      '-ar',
      String(PCM.sampleRate),
      '-ac',
      String(PCM.channels),
      '-f',
      PCM.format,
    )
    .output('-')
    .outputOptions('-map', '0:a:0', '-vn', '-af', 'ebur128=peak=true', '-f', 'null');
  const stderr = await run(cmd, opts);
  const { statSync } = await import('node:fs');
  const samples = statSync(pcmFile).size / PCM.bytesPerFrame;
  if (!Number.isInteger(samples)) throw new Error('decoded PCM is not a whole number of frames');
  if (opts.maxDurationSec !== undefined && samples >= (opts.maxDurationSec - 0.05) * PCM.sampleRate)
    throw new UnsupportedSourceError(
      `the source decodes past its checked length (stopped at ${opts.maxDurationSec.toFixed(1)} s)`,
    );
  return { loudness: parseEbur128(stderr), samples };
}

/** The most a source of `checkedSec` may decode to: 2% plus 2 s over (encoder padding, rounding). */
export function durationLimitSec(checkedSec: number): number {
  return checkedSec * 1.02 + 2;
}

export type DecodeCheck =
  | { ok: true; decodedSec: number }
  | { ok: false; reason: string; decodedSec: number };

/**
 * Decodes the whole input to nowhere and checks it really is audio all the way through: a file with a
 * valid header and garbage after it probes fine (ffprobe estimates a duration from the bit rate) but
 * decodes only a fraction of a second. ~0.25 CPU-s per 4 minutes of MP3.
 */
export async function decodeCheck(input: string, expectedSec?: number): Promise<DecodeCheck> {
  let stderr: string;
  const inputOptions = await safeInputOptions(input);
  // A source longer than its header says is decoded only up to the header's length plus the margin.
  if (expectedSec) inputOptions.push('-t', (durationLimitSec(expectedSec) + 1).toFixed(3));
  try {
    stderr = await run(
      ffmpeg(input)
        .inputOptions(...inputOptions, '-v', 'error', '-stats')
        .output('-')
        .outputOptions('-map', '0:a:0', '-vn', '-f', 'null'),
      { timeoutMs: FFMPEG_TIMEOUTS.decodeCheckMs },
    );
  } catch (e) {
    return { ok: false, reason: (e as Error).message.split('\n')[0] ?? 'decoder failed', decodedSec: 0 };
  }
  const times = [...stderr.matchAll(/time=(\d+:\d+:[\d.]+)/g)];
  const decodedSec = times.length ? timemarkToSec(times.at(-1)![1]!) : 0;
  const errors = stderr.split('\n').filter((l) => /Error|Invalid data|Header missing/i.test(l)).length;
  if (decodedSec <= 0) return { ok: false, reason: 'no audio decoded', decodedSec };
  if (expectedSec && decodedSec < 0.9 * expectedSec)
    return {
      ok: false,
      reason: `only ${decodedSec.toFixed(2)} s of ${expectedSec.toFixed(2)} s decode`,
      decodedSec,
    };
  if (expectedSec && decodedSec > durationLimitSec(expectedSec))
    return {
      ok: false,
      reason: `it holds more than ${durationLimitSec(expectedSec).toFixed(0)} s of audio but its header says ${expectedSec.toFixed(2)} s`,
      decodedSec,
    };
  // Occasional damaged frames are concealed; many mean the file is broken.
  if (errors > Math.max(5, decodedSec * 0.5))
    return { ok: false, reason: `${errors} decoding errors`, decodedSec };
  return { ok: true, decodedSec };
}

/** Codecs (ffprobe codec_name) whose decoded samples are the recording's: FLAC, ALAC, WAV/AIFF PCM. */
export const LOSSLESS_CODECS: ReadonlySet<string> = new Set([
  'flac',
  'alac',
  'pcm_s16le',
  'pcm_s16be',
  'pcm_s24le',
  'pcm_s24be',
  'pcm_s32le',
  'pcm_s32be',
  'pcm_u8',
  'pcm_s8',
]);

export type LosslessSource = {
  codec: string;
  sampleRate: number;
  /** Bits per sample the FLAC rung codes (16, or 24 for anything wider than 16). */
  bitsPerSample: 16 | 24;
  /**
   * Whether the lossless rung can carry the source's samples bit for bit: the ladder runs at 44.1 kHz,
   * so a 48 or 96 kHz source would be resampled (then it is not lossless, and gets no such rung),
   * and FLAC in ffmpeg 5.1 codes at most 24 bits.
   */
  eligible: boolean;
  /** Why not, when not eligible. */
  reason?: string;
};

type ProbedStream = {
  codec_name?: string;
  sample_rate?: string | number;
  bits_per_raw_sample?: string | number;
  bits_per_sample?: string | number;
  sample_fmt?: string;
};

/**
 * Decides from a probed audio stream whether the source is lossless and whether the ladder's
 * lossless rung can reproduce it exactly; null for a lossy codec. Pure (no I/O).
 */
export function losslessSourceOf(stream: ProbedStream | undefined): LosslessSource | null {
  const codec = stream?.codec_name;
  if (!codec || !LOSSLESS_CODECS.has(codec)) return null;
  const sampleRate = Number(stream.sample_rate) || 0;
  const fmtBits = /^(?:s|u)(\d+)p?$/.exec(stream.sample_fmt ?? '')?.[1];
  const bits = Number(stream.bits_per_raw_sample) || Number(stream.bits_per_sample) || Number(fmtBits) || 16;
  const bitsPerSample = bits <= 16 ? 16 : 24;
  const base = { codec, sampleRate, bitsPerSample } as const;
  if (sampleRate !== PCM.sampleRate)
    return { ...base, eligible: false, reason: `${sampleRate} Hz, not ${PCM.sampleRate} Hz` };
  if (bits > 24) return { ...base, eligible: false, reason: `${bits}-bit samples (FLAC codes at most 24)` };
  return { ...base, eligible: true };
}

/** Probes `input` and applies losslessSourceOf to its first audio stream. */
export async function probeLossless(input: string): Promise<LosslessSource | null> {
  const info = await probe(input);
  return losslessSourceOf(info.streams.find((s) => s.codec_type === 'audio'));
}
