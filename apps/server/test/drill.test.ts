// The SIGTERM drill: a server process under concurrent load (24 clients, keep-alive, that never stop
// sending) is sent SIGTERM. Every request the server accepted (read from a connection) must be
// answered in full and arrive at its client; the process exits 0. Connections the kernel queued but
// the process never accepted are refused or reset when the listener closes: a load balancer sends
// those to the other instance (and has stopped routing here during the drain delay anyway). The
// proof is by counting on both sides: the server logs how many requests it read and answered, and
// the clients must have received exactly that many complete responses.
import { seedSkeleton } from '@tonearm/db';
import { startTestServices, type TestServices } from '@tonearm/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, spawnServer } from './helpers/spawn-server';

let svc: TestServices;
let server: ServerProcess;

beforeAll(async () => {
  svc = await startTestServices();
  await seedSkeleton();
  server = await spawnServer({
    MONGODB_URI: svc.mongoUri,
    RATE_LIMITS: JSON.stringify({ anonymous: { limit: 1_000_000 } }),
    SHUTDOWN_DRAIN_DELAY_MS: '500',
  });
}, 60_000);
afterAll(async () => {
  await server?.stop();
  await svc?.close();
});

type Outcome = {
  kind: 'ok' | 'refused' | 'lost';
  status?: number;
  detail?: string;
  startedAt: number;
  endedAt: number;
};

function errorCode(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? String(e);
}

describe('SIGTERM drill', () => {
  it('loses no accepted request while draining under load, then exits 0', async () => {
    const outcomes: Outcome[] = [];
    let sigtermAt = Number.POSITIVE_INFINITY;
    const paths = [
      `/trpc/song.top?input=${encodeURIComponent(JSON.stringify({ limit: 5 }))}`,
      `/trpc/song.top,song.top?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: { limit: 2 }, 1: { limit: 3 } }))}`,
      '/readyz',
      '/metrics',
    ];
    const worker = async (w: number) => {
      for (let i = 0; ; i++) {
        const startedAt = performance.now();
        try {
          const res = await fetch(`${server.url}${paths[(w + i) % paths.length]}`);
          await res.arrayBuffer();
          outcomes.push({ kind: 'ok', status: res.status, startedAt, endedAt: performance.now() });
        } catch (e) {
          const code = errorCode(e);
          const kind = code === 'ECONNREFUSED' ? 'refused' : 'lost';
          outcomes.push({ kind, detail: code, startedAt, endedAt: performance.now() });
          if (kind === 'refused') return;
        }
        if (performance.now() - sigtermAt > 15_000) return;
      }
    };
    const load = Promise.all(Array.from({ length: 24 }, (_, w) => worker(w)));
    await new Promise((r) => setTimeout(r, 1_500));
    sigtermAt = performance.now();
    server.child.kill('SIGTERM');
    const code = await server.exited;
    await load;

    const lost = outcomes.filter((o) => o.kind === 'lost');
    const drained = server.logs.find((l) => l.message === 'drained: exiting');
    const received = Number(drained?.['http.requests.received']);
    const answered = Number(drained?.['http.requests.answered']);
    const ok = outcomes.filter((o) => o.kind === 'ok');
    const inFlightAtSignal = ok.filter((o) => o.startedAt < sigtermAt && o.endedAt > sigtermAt);
    console.log(
      `drill: ${ok.length} answered (${inFlightAtSignal.length} in flight at SIGTERM), ` +
        `${outcomes.filter((o) => o.kind === 'refused').length} refused after close, ` +
        `${lost.length} reset before accept; server read ${received}, answered ${answered}`,
    );
    // Every request the server read was answered, and every answer reached its client whole.
    expect(drained?.drained).toBe(true);
    expect(answered).toBe(received);
    expect(ok.length).toBe(answered);
    // So the failed attempts are exactly the ones the server never read.
    expect(outcomes.length - ok.length).toBe(outcomes.filter((o) => o.kind !== 'ok').length);
    for (const o of lost) expect(['ECONNRESET', 'UND_ERR_SOCKET']).toContain(o.detail);
    // And none of them had been sent before the signal.
    for (const o of lost) expect(o.startedAt).toBeGreaterThan(sigtermAt);
    expect(code).toBe(0);
    expect(ok.length).toBeGreaterThan(50);
    expect(inFlightAtSignal.length).toBeGreaterThan(0);
    // Answers were whole: every trpc/metrics answer is 200; /readyz turns 503 once draining.
    expect(ok.filter((o) => o.status !== 200 && o.status !== 503)).toEqual([]);
  }, 60_000);
});
