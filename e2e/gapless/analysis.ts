// Signal analysis of what the player output: seam alignment against the known continuous signal, click
// detection, an ITU-R BS.1770-4 loudness meter (K-weighting + gating) and a 4× oversampled true-peak meter.

/** In-place radix-2 complex FFT (re, im of length 2^k); inverse when `inverse` (unscaled). */
function fft(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = ((inverse ? 2 : -2) * Math.PI) / len;
    const wr = Math.cos(ang);
    const wi = Math.sin(ang);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = i + k;
        const b = a + len / 2;
        const xr = re[b]! * cr - im[b]! * ci;
        const xi = re[b]! * ci + im[b]! * cr;
        re[b] = re[a]! - xr;
        im[b] = im[a]! - xi;
        re[a] = re[a]! + xr;
        im[a] = im[a]! + xi;
        const t = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = t;
      }
    }
  }
}

/**
 * Index p in `hay` (stereo, as two arrays) where `needle` matches best: argmax Σ hay[p+n]·needle[n]
 * over both channels, by FFT cross-correlation. Both channels of the sweep (sine + cosine) together make
 * the correlation peak unique to the sample.
 */
export function bestMatch(
  hayL: Float32Array,
  hayR: Float32Array,
  needleL: Float32Array,
  needleR: Float32Array,
): number {
  let n = 1;
  while (n < hayL.length + needleL.length) n <<= 1;
  const accRe = new Float64Array(n);
  const accIm = new Float64Array(n);
  for (const [h, w] of [
    [hayL, needleL],
    [hayR, needleR],
  ] as const) {
    const hr = new Float64Array(n);
    const hi = new Float64Array(n);
    const wr = new Float64Array(n);
    const wi = new Float64Array(n);
    hr.set(h);
    wr.set(w);
    fft(hr, hi);
    fft(wr, wi);
    for (let k = 0; k < n; k++) {
      // H · conj(W)
      accRe[k] = accRe[k]! + hr[k]! * wr[k]! + hi[k]! * wi[k]!;
      accIm[k] = accIm[k]! + hi[k]! * wr[k]! - hr[k]! * wi[k]!;
    }
  }
  fft(accRe, accIm, true);
  let best = 0;
  let bestV = Number.NEGATIVE_INFINITY;
  for (let p = 0; p + needleL.length <= hayL.length; p++) {
    if (accRe[p]! > bestV) {
      bestV = accRe[p]!;
      best = p;
    }
  }
  return best;
}

export function firstAbove(x: Float32Array, threshold: number, from = 0): number {
  for (let i = from; i < x.length; i++) if (Math.abs(x[i]!) > threshold) return i;
  return -1;
}

export type SeamResult = {
  /** Reference sample index of the cut. */
  cut: number;
  /** Capture index where the previous track's content says the seam should be. */
  position: number;
  /** Samples between the previous track's last sample and the next's first: >0 gap, <0 overlap. */
  errorSamples: number;
  errorMs: number;
  /** Largest sample-to-sample step within ±10 ms of the seam, divided by the output gain (reference scale). */
  step: number;
  /** `step` ÷ the largest step of the pure continuous sweep there (codec edge ringing alone gives 2–4.5). */
  sweepJumpRatio: number;
};

export function maxStep(x: Float32Array, from: number, to: number): number {
  let m = 0;
  for (let i = Math.max(1, from); i < Math.min(x.length, to); i++)
    m = Math.max(m, Math.abs(x[i]! - x[i - 1]!));
  return m;
}

/**
 * Finds each cut of the continuous reference in the capture. Before each cut, a `win`-sample window of
 * the reference ending `margin` samples before the cut is located in the capture; after it, one starting
 * `margin` after. The difference between where the two windows say the cut is = the seam error.
 */
export function measureSeams(
  cap: { l: Float32Array; r: Float32Array },
  ref: { l: Float32Array; r: Float32Array },
  cuts: number[],
  sampleRate: number,
  opts: { win?: number; margin?: number; search?: number } = {},
): { start: number; seams: SeamResult[] } {
  const win = opts.win ?? 65536;
  const margin = opts.margin ?? 256;
  const search = opts.search ?? 3 * sampleRate;
  const onset = firstAbove(cap.l, 0.005);
  if (onset < 0) throw new Error('capture is silent');
  // Where the reference starts in the capture, from the first window of the first track.
  const region = (from: number, len: number) => {
    const a = Math.max(0, from);
    const b = Math.min(cap.l.length, from + len);
    return { a, l: cap.l.subarray(a, b), r: cap.r.subarray(a, b) };
  };
  const r0 = region(onset - 4096, 8192 + win);
  const start = r0.a + bestMatch(r0.l, r0.r, ref.l.subarray(0, win), ref.r.subarray(0, win));
  const seams = cuts.map((cut): SeamResult => {
    const locate = (refFrom: number): number => {
      const rg = region(start + refFrom - search, 2 * search + win);
      return (
        rg.a +
        bestMatch(rg.l, rg.r, ref.l.subarray(refFrom, refFrom + win), ref.r.subarray(refFrom, refFrom + win))
      );
    };
    const before = locate(cut - margin - win) + win + margin;
    const after = locate(cut + margin) - margin;
    const errorSamples = after - before;
    // Gain of the output relative to the reference, from RMS just before the seam.
    const rms = (x: Float32Array) => Math.sqrt(x.reduce((a, v) => a + v * v, 0) / Math.max(x.length, 1));
    const g = rms(cap.l.subarray(before - 8192, before)) / rms(ref.l.subarray(cut - 8192, cut));
    const w = Math.round(sampleRate / 100);
    const capStep = Math.max(
      maxStep(cap.l, before - w, Math.max(before, after) + w),
      maxStep(cap.r, before - w, Math.max(before, after) + w),
    );
    const refStep = Math.max(maxStep(ref.l, cut - w, cut + w), maxStep(ref.r, cut - w, cut + w));
    return {
      cut,
      position: before,
      errorSamples,
      errorMs: (errorSamples / sampleRate) * 1000,
      step: capStep / g,
      sweepJumpRatio: capStep / g / refStep,
    };
  });
  return { start, seams };
}

/** Biquad filter (direct form I) applied to a copy. */
function biquad(x: Float32Array, b: [number, number, number], a: [number, number, number]): Float64Array {
  const y = new Float64Array(x.length);
  let x1 = 0;
  let x2 = 0;
  let y1 = 0;
  let y2 = 0;
  for (let i = 0; i < x.length; i++) {
    const x0 = x[i]!;
    const y0 = b[0] * x0 + b[1] * x1 + b[2] * x2 - a[1] * y1 - a[2] * y2;
    x2 = x1;
    x1 = x0;
    y2 = y1;
    y1 = y0;
    y[i] = y0;
  }
  return y;
}

/** K-weighting (BS.1770-4) for any sample rate: high-shelf pre-filter then RLB high-pass (libebur128's design). */
function kWeight(x: Float32Array, fs: number): Float64Array {
  let f0 = 1681.974450955533;
  const G = 3.999843853973347;
  let Q = 0.7071752369554196;
  let K = Math.tan((Math.PI * f0) / fs);
  const Vh = 10 ** (G / 20);
  const Vb = Vh ** 0.4996667741545416;
  let a0 = 1 + K / Q + K * K;
  const pre = biquad(
    x,
    [(Vh + (Vb * K) / Q + K * K) / a0, (2 * (K * K - Vh)) / a0, (Vh - (Vb * K) / Q + K * K) / a0],
    [1, (2 * (K * K - 1)) / a0, (1 - K / Q + K * K) / a0],
  );
  f0 = 38.13547087602444;
  Q = 0.5003270373238773;
  K = Math.tan((Math.PI * f0) / fs);
  a0 = 1 + K / Q + K * K;
  return biquad(Float32Array.from(pre), [1, -2, 1], [1, (2 * (K * K - 1)) / a0, (1 - K / Q + K * K) / a0]);
}

/** Integrated loudness (LUFS) of a stereo signal: 400 ms blocks, 75 % overlap, −70 LUFS and −10 LU gates. */
export function integratedLoudness(l: Float32Array, r: Float32Array, fs: number): number {
  const kl = kWeight(l, fs);
  const kr = kWeight(r, fs);
  const block = Math.round(0.4 * fs);
  const hop = Math.round(0.1 * fs);
  const z: number[] = [];
  for (let s = 0; s + block <= kl.length; s += hop) {
    let a = 0;
    let b = 0;
    for (let i = s; i < s + block; i++) {
      a += kl[i]! * kl[i]!;
      b += kr[i]! * kr[i]!;
    }
    z.push(a / block + b / block);
  }
  const lufs = (v: number) => -0.691 + 10 * Math.log10(v);
  const abs = z.filter((v) => lufs(v) > -70);
  if (abs.length === 0) return Number.NEGATIVE_INFINITY;
  const rel = lufs(abs.reduce((a, v) => a + v, 0) / abs.length) - 10;
  const gated = abs.filter((v) => lufs(v) > rel);
  return lufs(gated.reduce((a, v) => a + v, 0) / gated.length);
}

/** True peak (dBTP): 4× oversampling with a Kaiser-windowed sinc interpolator, 48 taps. */
export function truePeakDb(channels: Float32Array[]): number {
  const up = 4;
  const taps = 48;
  const half = taps / 2;
  const bessel0 = (x: number) => {
    let s = 1;
    let t = 1;
    for (let k = 1; k < 20; k++) {
      t *= (x / (2 * k)) ** 2;
      s += t;
    }
    return s;
  };
  const beta = 8;
  const phases: number[][] = [];
  for (let p = 0; p < up; p++) {
    const h: number[] = [];
    for (let k = -half + 1; k <= half; k++) {
      const t = k - p / up;
      const sinc = t === 0 ? 1 : Math.sin(Math.PI * t) / (Math.PI * t);
      const w = bessel0(beta * Math.sqrt(Math.max(0, 1 - (t / half) ** 2))) / bessel0(beta);
      h.push(sinc * w);
    }
    phases.push(h);
  }
  let peak = 0;
  for (const raw of channels) {
    // Zero-padded so the first and last samples (a hard cut rings there) are interpolated too.
    const x = new Float32Array(raw.length + 2 * taps);
    x.set(raw, taps);
    for (let n = half; n < x.length - half; n++) {
      for (let p = 0; p < up; p++) {
        const h = phases[p]!;
        let v = 0;
        for (let k = 0; k < taps; k++) v += h[k]! * x[n + k - half + 1]!;
        peak = Math.max(peak, Math.abs(v));
      }
    }
  }
  return 20 * Math.log10(peak);
}
