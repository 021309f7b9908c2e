// Bounded open-loop load on loopback: a fixed number of requests at a fixed arrival rate, spread
// over the cluster's servers the way a load balancer with connect-retry would. Stops by itself.
import { performance } from 'node:perf_hooks';

export type Sample = { t: number; status: number; ms: number; body?: string };

export type LoadResult = {
  sent: number;
  samples: Sample[];
  byStatus: Record<string, number>;
};

export type LoadOptions = {
  targets: () => string[];
  /** Builds the request for the i-th call: path (and optional init) relative to a target. */
  request: (i: number) => { path: string; init?: RequestInit };
  rate: number;
  total: number;
};

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const samples: Sample[] = [];
  const t0 = performance.now();
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
  return { sent: opts.total, samples, byStatus };

  async function one(i: number) {
    const { path, init } = opts.request(i);
    const start = performance.now();
    const targets = opts.targets();
    // Like a load balancer: try the next server when a connection is refused or reset.
    for (let attempt = 0; attempt < targets.length; attempt++) {
      const base = targets[(i + attempt) % targets.length];
      try {
        const res = await fetch(`${base}${path}`, { ...init, signal: AbortSignal.timeout(10_000) });
        const text = await res.text();
        const body = res.status >= 500 ? text : undefined;
        samples.push({ t: start - t0, status: res.status, ms: performance.now() - start, body });
        return;
      } catch {
        // connection-level failure: next server
      }
    }
    samples.push({ t: start - t0, status: 0, ms: performance.now() - start });
  }
}

/** Time from the fault until requests succeed again for a whole window (ms); 0 if never failed. */
export function recoveryMs(samples: Sample[], faultAt: number, windowMs = 500): number {
  const after = samples.filter((s) => s.t >= faultAt).sort((a, b) => a.t - b.t);
  const lastBad = after.filter((s) => s.status === 0 || s.status >= 500).at(-1);
  if (!lastBad) return 0;
  const healthyAfter = after.filter((s) => s.t > lastBad.t);
  if (healthyAfter.length === 0 || (healthyAfter.at(-1)?.t ?? 0) - lastBad.t < windowMs)
    return Number.POSITIVE_INFINITY;
  return lastBad.t + lastBad.ms - faultAt;
}

export function print(
  name: string,
  r: LoadResult,
  faultAt: number,
  extra: Record<string, unknown> = {},
): void {
  const stack = r.samples.filter((s) => s.body && /at .+\(.+:\d+:\d+\)|"stack"/.test(s.body)).length;
  const rec = recoveryMs(r.samples, faultAt);
  console.log(
    `[drill] ${name}: sent ${r.sent} | by status ${JSON.stringify(r.byStatus)} | 5xx with stack traces ${stack} | ` +
      `recovered in ${Number.isFinite(rec) ? `${rec.toFixed(0)} ms` : 'NOT RECOVERED'}` +
      (Object.keys(extra).length ? ` | ${JSON.stringify(extra)}` : ''),
  );
}
