// Throughput-driven level choice, made once per segment. Estimates are in bits per second.

export type AbrOptions = {
  /** Estimate before any download (hls.js's 500 kbit/s default starts audio too high on slow links). */
  initialEstimateBps: number;
  /** Fraction of the estimate a level's BANDWIDTH may use. */
  safetyFactor: number;
  /** EWMA half-life in seconds of download time. */
  halfLifeSeconds: number;
};

export const DEFAULT_ABR: AbrOptions = { initialEstimateBps: 128_000, safetyFactor: 0.7, halfLifeSeconds: 2 };

export class ThroughputEstimator {
  private weighted = 0;
  private totalWeight = 0;
  constructor(private readonly opts: AbrOptions = DEFAULT_ABR) {}

  /** Records a download of `bytes` taking `seconds` (time to last byte, after the response started). */
  sample(bytes: number, seconds: number): void {
    const s = Math.max(seconds, 0.001);
    const bps = (bytes * 8) / s;
    const alpha = 0.5 ** (s / this.opts.halfLifeSeconds);
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
