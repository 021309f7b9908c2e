// ffmpeg and ffprobe through fluent-ffmpeg: probing an upload, the single decode of the source (PCM for
// the encoders plus EBU R128 loudness in the same pass), and a small promise wrapper with progress.
import ffmpeg, { type FfprobeData } from 'fluent-ffmpeg';

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
};

const timemarkToSec = (t: string) => {
  const m = /^(\d+):(\d+):([\d.]+)$/.exec(t);
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : 0;
};

/** Runs a fluent-ffmpeg command to completion; resolves with ffmpeg's stderr (filters log there). */
export function run(cmd: ffmpeg.FfmpegCommand, opts: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    const onAbort = () => cmd.kill('SIGKILL');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    cmd
      .on('stderr', (line: string) => {
        stderr += `${line}\n`;
      })
      .on('progress', (p: { timemark?: string }) => {
        if (p.timemark) opts.onTime?.(timemarkToSec(p.timemark));
      })
      .on('error', (err: Error) => {
        opts.signal?.removeEventListener('abort', onAbort);
        reject(new Error(`${err.message}\n${stderr.split('\n').slice(-15).join('\n')}`));
      })
      .on('end', () => {
        opts.signal?.removeEventListener('abort', onAbort);
        resolve(stderr);
      })
      .run();
  });
}

export function probe(input: string): Promise<FfprobeData> {
  return new Promise((resolve, reject) => {
    ffmpeg.ffprobe(input, (err: Error | null, data: FfprobeData) => (err ? reject(err) : resolve(data)));
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
  opts: RunOptions = {},
): Promise<{ loudness: Loudness; samples: number }> {
  const cmd = ffmpeg(input)
    .inputOptions('-nostdin')
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
  return { loudness: parseEbur128(stderr), samples };
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
  try {
    stderr = await run(
      ffmpeg(input)
        .inputOptions('-nostdin', '-v', 'error', '-stats')
        .output('-')
        .outputOptions('-map', '0:a:0', '-vn', '-f', 'null'),
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
