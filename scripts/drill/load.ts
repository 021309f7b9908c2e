// Bounded open-loop load on loopback: a fixed number of requests at a fixed arrival rate, spread
// over the cluster's servers the way a load balancer with connect-retry would. Stops by itself.
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';

export type Sample = { t: number; status: number; ms: number; kind: string; body?: string; i: number };

export type LoadResult = {
  sent: number;
  samples: Sample[];
  byStatus: Record<string, number>;
  /** When the load started (performance.now()): fault times are relative to it. */
  t0: number;
};

export type LoadOptions = {
  targets: () => string[];
  /** Builds the request for the i-th call: path (and optional init) relative to a target. */
  request: (i: number) => { path: string; init?: RequestInit; kind?: string };
  rate: number;
  total: number;
  /** Called once the load has started, with its start time (for scheduling faults). */
  onStart?: (t0: number) => void;
};

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const samples: Sample[] = [];
  const t0 = performance.now();
  opts.onStart?.(t0);
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < opts.total; i++) {
    const due = t0 + (i * 1000) / opts.rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inflight.push(one(i));
  }
  await Promise.all(inflight);
  const byStatus: Record<string, number> = {};
  for (const s of samples) byStatus[s.status] = (byStatus[s.status] ?? 0) + 1;
  return { sent: opts.total, samples, byStatus, t0 };

  async function one(i: number) {
    const { path, init, kind = 'get' } = opts.request(i);
    const start = performance.now();
    const targets = opts.targets();
    // Like a load balancer: try the next server when a connection is refused or reset.
    for (let attempt = 0; attempt < targets.length; attempt++) {
      const base = targets[(i + attempt) % targets.length];
      try {
        const res = await fetch(`${base}${path}`, { ...init, signal: AbortSignal.timeout(10_000) });
        const text = await res.text();
        const body = res.status >= 500 ? text : undefined;
        samples.push({ t: start - t0, status: res.status, ms: performance.now() - start, kind, body, i });
        return;
      } catch {
        // connection-level failure (or 10 s timeout): next server
      }
    }
    samples.push({ t: start - t0, status: 0, ms: performance.now() - start, kind, i });
  }
}

const bad = (s: Sample) => s.status === 0 || s.status >= 500;

/**
 * Time from `from` (the fault, or the dependency's return) until requests succeed again for a whole
 * window (ms); 0 if nothing failed after `from`.
 */
export function recoveryMs(samples: Sample[], from: number, windowMs = 500): number {
  const after = samples.filter((s) => s.t + s.ms >= from).sort((a, b) => a.t - b.t);
  const lastBad = after.filter(bad).at(-1);
  if (!lastBad) return 0;
  const healthyAfter = after.filter((s) => s.t > lastBad.t);
  if (healthyAfter.length === 0 || (healthyAfter.at(-1)?.t ?? 0) - lastBad.t < windowMs)
    return Number.POSITIVE_INFINITY;
  return Math.max(0, lastBad.t + lastBad.ms - from);
}

/** tRPC error codes in 5xx bodies, e.g. {"SERVICE_UNAVAILABLE": 120}. */
export function errorCodes(r: LoadResult): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of r.samples) {
    if (s.status < 500) continue;
    const code =
      /"appCode":"(\w+)"/.exec(s.body ?? '')?.[1] ?? /"code":"(\w+)"/.exec(s.body ?? '')?.[1] ?? 'non-tRPC';
    out[`${s.status} ${code}`] = (out[`${s.status} ${code}`] ?? 0) + 1;
  }
  return out;
}

export const stackCount = (r: LoadResult) =>
  r.samples.filter((s) => s.body && /at .+\(.+:\d+:\d+\)|"stack"/.test(s.body)).length;

export const load1 = () => loadavg()[0]!.toFixed(2);

const fmt = (ms: number) => (Number.isFinite(ms) ? `${ms.toFixed(0)} ms` : 'NOT RECOVERED');

/**
 * One line per drill: requests, statuses, 5xx codes, stack traces, recovery from the fault and, for
 * a dependency that was stopped and started, from its return; then drill-specific checks.
 */
export function print(
  name: string,
  r: LoadResult,
  times: { faultAt: number; restoredAt?: number },
  extra: Record<string, unknown> = {},
): void {
  const rate = r.sent / ((Math.max(...r.samples.map((s) => s.t)) || 1) / 1000);
  const byKind: Record<string, Record<string, number>> = {};
  for (const s of r.samples) {
    const k = byKind[s.kind] ?? {};
    byKind[s.kind] = k;
    k[s.status] = (k[s.status] ?? 0) + 1;
  }
  const lines = [
    `[drill] ${name}`,
    `  sent ${r.sent} at ${rate.toFixed(0)} req/s | by status ${JSON.stringify(r.byStatus)} | by kind ${JSON.stringify(byKind)}`,
    `  5xx codes ${JSON.stringify(errorCodes(r))} | 5xx with stack traces ${stackCount(r)}`,
    `  recovered ${fmt(recoveryMs(r.samples, times.faultAt))} after the fault` +
      (times.restoredAt !== undefined
        ? `, ${fmt(recoveryMs(r.samples, times.restoredAt))} after the dependency returned (down ${((times.restoredAt - times.faultAt) / 1000).toFixed(1)} s)`
        : ''),
  ];
  for (const [k, v] of Object.entries(extra))
    lines.push(`  ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  lines.push(`  load average (1 min) ${load1()}`);
  console.log(lines.join('\n'));
}

/**
 * Per-second status buckets per request kind, so the moment each kind fails and recovers is visible:
 * one row per kind, one cell per second of request start, "ok/503/timeout" (other statuses noted).
 */
export function timeline(r: LoadResult, marks: Record<string, number> = {}): string {
  const kinds = [...new Set(r.samples.map((s) => s.kind))];
  const secs = Math.ceil(Math.max(0, ...r.samples.map((s) => s.t)) / 1000);
  const cell = (ss: Sample[]) => {
    if (!ss.length) return '-';
    const ok = ss.filter((s) => s.status >= 200 && s.status < 400).length;
    const unavailable = ss.filter((s) => s.status === 503).length;
    const timeout = ss.filter((s) => s.status === 0).length;
    const other = ss.length - ok - unavailable - timeout;
    return `${ok}/${unavailable}/${timeout}${other ? `+${other}` : ''}`;
  };
  const markAt = (sec: number) =>
    Object.entries(marks)
      .filter(([, t]) => Math.floor(t / 1000) === sec)
      .map(([k]) => k)
      .join(',');
  const rows = [
    `  per second (ok/503/no answer; +other): ${Object.entries(marks)
      .map(([k, t]) => `${k} at ${(t / 1000).toFixed(2)} s`)
      .join(', ')}`,
  ];
  for (let sec = 0; sec < secs + 1; sec++) {
    const inSec = r.samples.filter((s) => Math.floor(s.t / 1000) === sec);
    if (!inSec.length) continue;
    const cells = kinds.map((k) => `${k} ${cell(inSec.filter((s) => s.kind === k))}`.padEnd(22));
    rows.push(
      `    ${String(sec).padStart(3)} s  ${cells.join(' ')} ${markAt(sec) ? `<- ${markAt(sec)}` : ''}`.trimEnd(),
    );
  }
  return rows.join('\n');
}

export type KindRecovery = {
  kind: string;
  /** ms from `from` to the start of the last failed request of this kind (negative: it started before). */
  ms: number;
  failuresAfter: number;
  /** Requests of this kind started after the bound (they must all succeed). */
  afterBound: number;
  /** Of those, how many failed. */
  failedAfterBound: number;
  recovered: boolean;
};

/**
 * Per request kind: did every request started `boundMs` or more after `from` succeed (and were there
 * at least `minAfter` of them to say so)? `ms` is how long after `from` the last failed request started.
 */
export function recoveryByKind(
  samples: Sample[],
  from: number,
  boundMs: number,
  minAfter = 5,
): KindRecovery[] {
  const kinds = [...new Set(samples.map((s) => s.kind))];
  return kinds.map((kind) => {
    const of = samples.filter((s) => s.kind === kind);
    const failedAfter = of.filter((s) => bad(s) && s.t + s.ms >= from);
    const lastBad = failedAfter.sort((a, b) => a.t - b.t).at(-1);
    const late = of.filter((s) => s.t >= from + boundMs);
    const ms = lastBad ? lastBad.t - from : 0;
    return {
      kind,
      ms,
      failuresAfter: failedAfter.length,
      afterBound: late.length,
      failedAfterBound: late.filter(bad).length,
      recovered: late.length >= minAfter && late.every((s) => !bad(s)),
    };
  });
}
