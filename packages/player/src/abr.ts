// Throughput-driven level choice, made once per segment. Estimates are in bits per second.

export type AbrOptions = {
  /** Estimate before any download (hls.js's 500 kbit/s default starts audio too high on slow links). */
  initialEstimateBps: number;
  /** Fraction of the estimate a level's BANDWIDTH may use. */
  safetyFactor: number;
  /** EWMA half-life in seconds of media downloaded (a 6 s segment weighs more than a 1 s tail). */
  halfLifeSeconds: number;
};

export const DEFAULT_ABR: AbrOptions = { initialEstimateBps: 128_000, safetyFactor: 0.7, halfLifeSeconds: 3 };

export class ThroughputEstimator {
  private weighted = 0;
  private totalWeight = 0;
  constructor(private readonly opts: AbrOptions = DEFAULT_ABR) {}

  /**
   * Records a download of `bytes` in `seconds` (request to last byte) carrying `mediaSeconds` of audio.
   * Weighting by media rather than download time lets a fast download move the estimate as much as a
   * slow one of the same segment length: on a link that just recovered, the next pick goes up.
   */
  sample(bytes: number, seconds: number, mediaSeconds: number): void {
    const bps = (bytes * 8) / Math.max(seconds, 0.001);
    const alpha = 0.5 ** (Math.max(mediaSeconds, 0.1) / this.opts.halfLifeSeconds);
    this.weighted = alpha * this.weighted + (1 - alpha) * bps;
    this.totalWeight = alpha * this.totalWeight + (1 - alpha);
  }

  /** Replaces the estimate outright (an aborted download proved the link slower than believed). */
  force(bps: number): void {
    this.weighted = bps;
    this.totalWeight = 1;
  }

  get estimateBps(): number {
    return this.totalWeight > 0 ? this.weighted / this.totalWeight : this.opts.initialEstimateBps;
  }
}

/** Highest level whose bandwidth fits the estimate; levels sorted by ascending bandwidth; 0 if none fits. */
export function chooseLevel(
  bandwidths: readonly number[],
  estimateBps: number,
  safetyFactor: number,
): number {
  let best = 0;
  bandwidths.forEach((bw, i) => {
    if (bw <= estimateBps * safetyFactor) best = i;
  });
  return best;
}
