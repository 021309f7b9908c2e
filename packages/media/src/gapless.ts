// Gapless metadata checks: decode the start of a rendition and find, sample-accurately, where the
// source begins in it. That offset is the encoder's priming a player must cut (issue 11).
import { spawn } from 'node:child_process';
import { open } from 'node:fs/promises';
import { PCM } from './ffmpeg';

/** Decodes fMP4 pieces (init + segments, in order) to interleaved 44.1 kHz stereo float PCM. */
export function decodeFragments(files: string[], maxSamples?: number): Promise<Float32Array> {
  return new Promise((resolve, reject) => {
    const args = ['-v', 'error', '-nostdin', '-i', `concat:${files.join('|')}`];
    if (maxSamples) args.push('-frames:a', String(Math.ceil(maxSamples / 1024) + 1));
    args.push('-f', PCM.format, '-ar', String(PCM.sampleRate), '-ac', String(PCM.channels), '-');
    const p = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let err = '';
    p.stdout.on('data', (c: Buffer) => chunks.push(c));
    p.stderr.on('data', (c: Buffer) => {
      err += c;
    });
    p.on('error', reject);
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`ffmpeg decode failed (${code}): ${err}`));
      const buf = Buffer.concat(chunks);
      const copy = new Uint8Array(buf.length - (buf.length % 4));
      copy.set(buf.subarray(0, copy.length));
      resolve(new Float32Array(copy.buffer));
    });
  });
}

export async function readPcm(pcmFile: string, fromSample: number, count: number): Promise<Float32Array> {
  const fh = await open(pcmFile, 'r');
  try {
    const bytes = Buffer.alloc(count * PCM.bytesPerFrame);
    const { bytesRead } = await fh.read(bytes, 0, bytes.length, fromSample * PCM.bytesPerFrame);
    const copy = new Uint8Array(bytesRead - (bytesRead % 4));
    copy.set(bytes.subarray(0, copy.length));
    return new Float32Array(copy.buffer);
  } finally {
    await fh.close();
  }
}

/**
 * Mono, low-passed by a 16-sample moving average: low-rate rungs replace noise with synthetic noise
 * (PNS), which correlates with nothing, while tones survive; a fixed filter on both sides keeps lags exact.
 */
const monoLowpassed = (interleaved: Float32Array) => {
  const n = Math.floor(interleaved.length / 2);
  const out = new Float32Array(n);
  const k = 16;
  let acc = 0;
  for (let i = 0; i < n; i++) {
    acc += (interleaved[2 * i]! + interleaved[2 * i + 1]!) / 2;
    if (i >= k) acc -= (interleaved[2 * (i - k)]! + interleaved[2 * (i - k) + 1]!) / 2;
    out[i] = acc / k;
  }
  return out;
};

/**
 * The lag (in samples) at which `decoded` best matches `source` (normalised cross-correlation over
 * a window starting at the source's first audible sample); null when the source is silent there.
 */
export function bestLag(
  source: Float32Array,
  decoded: Float32Array,
  maxLag = 4096,
  window = 8192,
  /**
   * The lag we expect. A periodic signal (a pure tone) correlates equally well every period, so when
   * the expected lag scores within 1% of the best, the measurement cannot tell them apart and the
   * expected lag is returned rather than an arbitrary period multiple.
   */
  prefer?: number,
): number | null {
  let start = 0;
  while (start < source.length && Math.abs(source[start]!) < 1e-3) start++;
  if (start + window > source.length || start + window + maxLag > decoded.length) return null;
  let srcEnergy = 0;
  for (let i = 0; i < window; i++) srcEnergy += source[start + i]! ** 2;
  let best = -1;
  let bestScore = -Infinity;
  for (let lag = 0; lag <= maxLag; lag++) {
    let dot = 0;
    let e = 0;
    for (let i = 0; i < window; i++) {
      const d = decoded[start + lag + i]!;
      dot += source[start + i]! * d;
      e += d * d;
    }
    const score = e > 0 ? dot / Math.sqrt(e * srcEnergy) : -1;
    if (score > bestScore) {
      bestScore = score;
      best = lag;
    }
  }
  if (bestScore <= 0.3) return null;
  if (prefer !== undefined && prefer !== best && prefer >= 0 && prefer <= maxLag) {
    let dot = 0;
    let e = 0;
    for (let i = 0; i < window; i++) {
      const d = decoded[start + prefer + i]!;
      dot += source[start + i]! * d;
      e += d * d;
    }
    const score = e > 0 ? dot / Math.sqrt(e * srcEnergy) : -1;
    if (score >= bestScore - 0.01) return prefer;
  }
  return best;
}

/** Priming of an encoded rendition, measured by decoding its first fragment(s) against the PCM. */
export async function measurePriming(
  files: string[],
  pcmFile: string,
  expected?: number,
): Promise<number | null> {
  const want = 44_100;
  const decoded = monoLowpassed(await decodeFragments(files, want + 8192));
  const source = monoLowpassed(await readPcm(pcmFile, 0, want));
  return bestLag(source, decoded, 4096, 8192, expected);
}
