// Sample arithmetic for gapless playback of encoder output: where an AAC rendition's real audio starts
// and ends, and the MSE cut points that remove priming and padding. Shared by the transcode pipeline
// (which stores priming/padding per rendition) and the player (which cuts them out). Pure, no I/O.

/** AAC-LC frame length in samples (one access unit). */
export const AAC_FRAME_SAMPLES = 1024;

/**
 * Encoder delay ("priming") of FFmpeg's native `aac` encoder: exactly one frame. Measured on Debian's
 * ffmpeg 5.1 by decoding the fMP4 and aligning it to the source (see docs/GAPLESS.md); the encoder does
 * not record it in the fMP4 edit list (media_time 0), so it has to be stored beside the rendition.
 */
export const FFMPEG_AAC_PRIMING_SAMPLES = 1024;

export type GaplessInfo = {
  /** Samples the decoder outputs before the first source sample. */
  primingSamples: number;
  /** Samples the decoder outputs after the last source sample. */
  paddingSamples: number;
};

/**
 * Priming and padding of an AAC rendition from its frame count (packets in the stream, e.g. ffprobe
 * `-count_packets` over init + all segments) and the exact decoded source sample count.
 * padding = frames × 1024 − priming − sourceSamples; throws when the numbers cannot describe one encode.
 */
export function aacGaplessInfo(
  frameCount: number,
  sourceSamples: number,
  primingSamples: number = FFMPEG_AAC_PRIMING_SAMPLES,
  frameSamples: number = AAC_FRAME_SAMPLES,
): GaplessInfo {
  if (
    !Number.isInteger(frameCount) ||
    !Number.isInteger(sourceSamples) ||
    frameCount < 1 ||
    sourceSamples < 1
  )
    throw new RangeError(
      `frameCount and sourceSamples must be positive integers (${frameCount}, ${sourceSamples})`,
    );
  const paddingSamples = frameCount * frameSamples - primingSamples - sourceSamples;
  // An encoder flushes at most what is needed to emit the last source sample plus one frame of overlap.
  if (paddingSamples < 0 || paddingSamples >= 2 * frameSamples)
    throw new RangeError(
      `${frameCount} frames cannot hold ${sourceSamples} samples after ${primingSamples} priming (padding ${paddingSamples})`,
    );
  return { primingSamples, paddingSamples };
}

/** Frames the encoder emits for a source of `sourceSamples` (FFmpeg aac: priming + source, rounded up, + flush). */
export function expectedAacFrames(
  sourceSamples: number,
  primingSamples: number = FFMPEG_AAC_PRIMING_SAMPLES,
  frameSamples: number = AAC_FRAME_SAMPLES,
): number {
  return Math.ceil((primingSamples + sourceSamples) / frameSamples);
}

export type MseCut = {
  /** SourceBuffer.timestampOffset (s): media time 0 of the rendition maps here. */
  timestampOffset: number;
  /** SourceBuffer.appendWindowStart (s): the track's first real sample. */
  appendWindowStart: number;
  /** SourceBuffer.appendWindowEnd (s): just after the track's last real sample. */
  appendWindowEnd: number;
};

/**
 * Where to put a track on a continuous MSE timeline so that its first source sample lands exactly at
 * `trackStartSeconds` and nothing of its priming or padding survives the append window.
 * Times are in seconds; Chromium keeps them in microseconds (0.044 samples at 44.1 kHz) and trims audio
 * frames partially at the window edges, keeping the dropped frame before the start as decoder pre-roll.
 */
export function mseCut(
  trackStartSeconds: number,
  sourceSamples: number,
  sampleRate: number,
  info: GaplessInfo,
): MseCut {
  return {
    timestampOffset: trackStartSeconds - info.primingSamples / sampleRate,
    appendWindowStart: trackStartSeconds,
    appendWindowEnd: trackStartSeconds + sourceSamples / sampleRate,
  };
}

/** Start sample of each track on a gapless timeline (running sum of source sample counts). */
export function trackStarts(sourceSamples: readonly number[]): number[] {
  const out: number[] = [];
  let t = 0;
  for (const n of sourceSamples) {
    out.push(t);
    t += n;
  }
  return out;
}
