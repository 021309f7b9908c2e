// Generated test and demo audio (lavfi sources: tones, a pulsing chord and broadband noise, so every
// rung of the ladder has real work to do). Cached under .data/fixtures: never commit media.
import { existsSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '@tonearm/config';
import ffmpeg from 'fluent-ffmpeg';
import { run } from './ffmpeg';

export type ToneTrack = {
  seconds: number;
  /** Picks the chord and tempo, so demo tracks sound different. */
  variant?: number;
  /** MP3 bit rate of the generated source, kbit/s. */
  mp3Kbps?: number;
  /** A mono recording in a stereo MP3: the same signal in both channels (joint stereo codes it as M). */
  mono?: boolean;
  /** Level change after the limiter, dB (≤ 0): tracks of different loudness for normalisation tests. */
  gainDb?: number;
};

// Twelve partials from bass to 13 kHz (multiplied per variant) so the ladder's top rungs need their bits.
const PARTIALS = [110, 233, 347, 523, 787, 1187, 1783, 2671, 4001, 6007, 9001, 13001];

/**
 * Writes an MP3 of `seconds` seconds: twelve steady partials over white noise that pulses at a tempo,
 * decorrelated between left and right (a mono-like signal would let M/S stereo coding spend far
 * fewer bits than the rung's target, and bit-rate checks would measure the signal, not the encoder).
 */
export async function generateTrack(out: string, t: ToneTrack): Promise<string> {
  const v = t.variant ?? 0;
  const mult = [1, 1.122, 1.26, 0.891, 1.189][v % 5]!;
  const d = t.seconds;
  const cmd = ffmpeg();
  for (const f of PARTIALS)
    cmd.input(`sine=f=${(f * mult).toFixed(2)}:d=${d}:sample_rate=44100`).inputOptions('-f', 'lavfi');
  cmd.input(`anoisesrc=d=${d}:c=white:a=0.3:r=44100:seed=${7 + v}`).inputOptions('-f', 'lavfi');
  cmd
    .input(`anoisesrc=d=${d}:c=white:a=0.3:r=44100:seed=${t.mono ? 7 + v : 1011 + v}`)
    .inputOptions('-f', 'lavfi');
  const hz = ((90 + 15 * (v % 5)) / 60).toFixed(3);
  const n = PARTIALS.length;
  const tones = PARTIALS.map((_, i) => `[${i}]`).join('');
  // A temporary name of this writer's own: test files running in parallel may make the same fixture.
  const tmp = `${out}.${process.pid}-${Math.random().toString(36).slice(2)}.tmp.mp3`;
  cmd
    .complexFilter(
      `${tones}amix=inputs=${n}:normalize=0,volume=0.08,aformat=channel_layouts=stereo[t];` +
        `[${n}][${n + 1}]amerge=inputs=2,apulsator=hz=${hz}:amount=1${t.mono ? ':offset_r=0' : ''}[nz];` +
        `[t][nz]amix=inputs=2:normalize=0,alimiter=limit=0.9${t.gainDb ? `,volume=${t.gainDb}dB` : ''}[out]`,
    )
    .outputOptions('-map', '[out]', '-ac', '2', '-c:a', 'libmp3lame', '-b:a', `${t.mp3Kbps ?? 320}k`)
    .output(tmp);
  await run(cmd);
  await rename(tmp, out);
  return out;
}

/** A generated MP3 cached under .data/fixtures (generated once per machine). */
export async function cachedTrack(name: string, t: ToneTrack): Promise<string> {
  const dir = join(repoRoot(), '.data', 'fixtures');
  await mkdir(dir, { recursive: true });
  const gain = t.gainDb ? `-g${t.gainDb}` : '';
  const file = join(dir, `${name}-${t.seconds}s-v${t.variant ?? 0}${gain}${t.mono ? '-mono' : ''}.mp3`);
  if (!existsSync(file)) await generateTrack(file, t);
  return file;
}
