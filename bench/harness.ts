// Benchmark harness: measures a target and its baseline in the same process run, interleaved so
// both see the same machine state, and prints p50/p99 and their ratios. Benchmarks are files
// bench/*.bench.ts exporting `default (h: Harness) => Promise<void>`; `pnpm bench [name]` runs them.
import { performance } from 'node:perf_hooks';

export type Stats = {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
};

export function stats(samplesMs: number[]): Stats {
  const s = [...samplesMs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] ?? Number.NaN;
  const sum = s.reduce((a, b) => a + b, 0);
  return {
    n: s.length,
    p50: q(0.5),
    p90: q(0.9),
    p99: q(0.99),
    mean: sum / s.length,
    min: s[0] ?? 0,
    max: s.at(-1) ?? 0,
  };
}

export type Row = {
  bench: string;
  name: string;
  target?: Stats;
  baseline?: Stats;
  /** Extra figures (throughput, memory, recall...) printed as they are. */
  figures?: Record<string, number | string>;
  note?: string;
};

const fmt = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(0)}µs` : `${ms.toFixed(2)}ms`);

export class Harness {
  readonly rows: Row[] = [];
  constructor(readonly bench: string) {}

  /** Times `fn` `iterations` times after `warmup` untimed calls; returns per-call ms. */
  async sample(fn: () => Promise<unknown> | unknown, iterations = 1000, warmup = 100): Promise<number[]> {
    for (let i = 0; i < warmup; i++) await fn();
    const out: number[] = new Array(iterations);
    for (let i = 0; i < iterations; i++) {
      const t0 = performance.now();
      await fn();
      out[i] = performance.now() - t0;
    }
    return out;
  }

  /** Interleaves target and baseline in rounds so drift hits both equally, then records a row. */
  async compare(
    name: string,
    target: () => Promise<unknown> | unknown,
    baseline: () => Promise<unknown> | unknown,
    opts: { iterations?: number; warmup?: number; rounds?: number; note?: string } = {},
  ): Promise<Row> {
    const rounds = opts.rounds ?? 5;
    const per = Math.ceil((opts.iterations ?? 2000) / rounds);
    const t: number[] = [];
    const b: number[] = [];
    for (let r = 0; r < rounds; r++) {
      b.push(...(await this.sample(baseline, per, r === 0 ? (opts.warmup ?? 200) : 10)));
      t.push(...(await this.sample(target, per, r === 0 ? (opts.warmup ?? 200) : 10)));
    }
    return this.record({ name, target: stats(t), baseline: stats(b), note: opts.note });
  }

  record(row: Omit<Row, 'bench'>): Row {
    const full = { bench: this.bench, ...row };
    this.rows.push(full);
    print(full);
    return full;
  }
}

export function print(row: Row): void {
  const parts = [`[${row.bench}] ${row.name}`];
  if (row.target) parts.push(`p50 ${fmt(row.target.p50)} p99 ${fmt(row.target.p99)} (n=${row.target.n})`);
  if (row.baseline) {
    parts.push(`baseline p50 ${fmt(row.baseline.p50)} p99 ${fmt(row.baseline.p99)}`);
    if (row.target) {
      parts.push(
        `ratio p50 ${(row.target.p50 / row.baseline.p50).toFixed(2)}x p99 ${(row.target.p99 / row.baseline.p99).toFixed(2)}x`,
      );
    }
  }
  for (const [k, v] of Object.entries(row.figures ?? {}))
    parts.push(`${k} ${typeof v === 'number' ? +v.toFixed(3) : v}`);
  if (row.note) parts.push(`— ${row.note}`);
  console.log(parts.join(' | '));
}
