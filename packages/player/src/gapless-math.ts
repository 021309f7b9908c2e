// Sample arithmetic for gapless playback of encoder output: where a rendition's real audio starts
// and ends, and the MSE cut points that remove priming and padding. The one definition shared by the
// transcode pipeline (packages/media/src/ladder.ts computes and stores priming/padding per rendition
// with aacGaplessInfo / flacGaplessInfo) and the player (which cuts them out). Pure, no I/O, no
// imports: @tonearm/media imports this module alone (the lint allows no other player subpath).

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
 * Zero samples ahead of the source in the FLAC (lossless) rung. FLAC has no encoder delay, but the AAC
 * rungs carry 1024 samples of priming, and ffmpeg's HLS muxer cuts every rung at the first frame at or
 * after each 6 s boundary of its own media time. Without the lead-in the FLAC rung's segments start
 * 1024 samples later in the song than the AAC rungs' (a level switch at segment i would leave a 23 ms
 * hole); with it and 1024-sample FLAC blocks, every rung has the same frame grid and the same segment
 * boundaries, and the player cuts the lead-in exactly like AAC priming.
 */
export const FLAC_LEAD_IN_SAMPLES = 1024;
/** FLAC block size of the lossless rung: the AAC frame length, so both rungs share frame boundaries. */
export const FLAC_BLOCK_SAMPLES = AAC_FRAME_SAMPLES;

const positiveInts = (...xs: number[]) => xs.every((x) => Number.isInteger(x) && x >= 1);

/**
 * Priming and padding of an AAC rendition from its frame count (packets in the stream, e.g. ffprobe
 * `-count_packets` over init + all segments, or the fMP4 trun sample counts) and the exact decoded
 * source sample count. padding = frames × 1024 − priming − sourceSamples; an encoder emits
 * ceil((priming + source) / 1024) frames, so padding is under one frame. Throws a RangeError when the
 * numbers cannot describe one encode.
 */
export function aacGaplessInfo(
  frameCount: number,
  sourceSamples: number,
  primingSamples: number = FFMPEG_AAC_PRIMING_SAMPLES,
  frameSamples: number = AAC_FRAME_SAMPLES,
): GaplessInfo {
  if (!positiveInts(frameCount, sourceSamples))
    throw new RangeError(
      `frameCount and sourceSamples must be positive integers (${frameCount}, ${sourceSamples})`,
    );
  const paddingSamples = frameCount * frameSamples - primingSamples - sourceSamples;
  if (paddingSamples < 0 || paddingSamples >= frameSamples)
    throw new RangeError(
      `${frameCount} frames cannot hold ${sourceSamples} samples after ${primingSamples} priming (padding ${paddingSamples})`,
    );
  return { primingSamples, paddingSamples };
}

/**
 * Priming (the lead-in) and padding (none: FLAC codes the exact length) of the FLAC rung, from its
 * block count and the samples its container says a decoder outputs. Throws a RangeError otherwise.
 */
export function flacGaplessInfo(
  blocks: number,
  containerSamples: number,
  sourceSamples: number,
): GaplessInfo {
  if (!positiveInts(blocks, sourceSamples))
    throw new RangeError(`blocks and sourceSamples must be positive integers (${blocks}, ${sourceSamples})`);
  const expected = Math.ceil((FLAC_LEAD_IN_SAMPLES + sourceSamples) / FLAC_BLOCK_SAMPLES);
  if (blocks !== expected)
    throw new RangeError(`${blocks} FLAC blocks for ${sourceSamples} samples (expected ${expected})`);
  const paddingSamples = containerSamples - FLAC_LEAD_IN_SAMPLES - sourceSamples;
  if (paddingSamples !== 0) throw new RangeError(`FLAC rung: implausible padding ${paddingSamples} samples`);
  return { primingSamples: FLAC_LEAD_IN_SAMPLES, paddingSamples };
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
