// Rate limits across TWO server processes sharing one Redis: a limit of N admits exactly N of N+k
// requests spread over both, API keys have separate budgets, and the headers and the typed tRPC
// error are right.
import { ApiKey, Types } from '@tonearm/db';
import { generateApiKey } from '@tonearm/core';
import { awayFromWindowEdge, startTestServices, type TestServices, uid } from '@tonearm/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, spawnServer } from './helpers/spawn-server';

let svc: TestServices;
let servers: ServerProcess[] = [];
const N = 8;

beforeAll(async () => {
  svc = await startTestServices();
  const env = {
    MONGODB_URI: svc.mongoUri,
    TRUST_PROXY: '1',
    RATE_LIMITS: JSON.stringify({ anonymous: { limit: N } }),
  };
  servers = await Promise.all([spawnServer(env), spawnServer(env)]);
}, 90_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await svc?.close();
});

/** A fresh client IP per test (the servers trust X-Forwarded-For), so runs never share a budget. */
const freshIp = () =>
  `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

function call(i: number, headers: Record<string, string>) {
  const base = servers[i % 2]!.url;
  return fetch(`${base}/trpc/song.top?input=${encodeURIComponent(JSON.stringify({ limit: 1 }))}`, {
    headers,
  });
}

describe('rate limits across two server processes', () => {
  it(`admits exactly ${N} of ${N}+5 concurrent anonymous requests from one IP`, async () => {
    const ip = freshIp();
    await awayFromWindowEdge();
    const res = await Promise.all(
      Array.from({ length: N + 5 }, (_, i) => call(i, { 'x-forwarded-for': ip })),
    );
    const ok = res.filter((r) => r.status === 200);
    const limited = res.filter((r) => r.status === 429);
    expect(ok).toHaveLength(N);
    expect(limited).toHaveLength(5);
    // Both processes answered some of each.
    expect(new Set(res.map((r) => r.url.split('/trpc')[0])).size).toBe(2);

    for (const r of ok) {
      expect(r.headers.get('ratelimit-limit')).toBe(String(N));
      expect(r.headers.get('retry-after')).toBeNull();
    }
    expect(ok.map((r) => Number(r.headers.get('ratelimit-remaining'))).sort((a, b) => a - b)).toEqual(
      Array.from({ length: N }, (_, i) => i),
    );
    const r429 = limited[0]!;
    expect(r429.headers.get('ratelimit-remaining')).toBe('0');
    const retryAfter = Number(r429.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(Number(r429.headers.get('ratelimit-reset'))).toBeLessThanOrEqual(60);
    const body = (await r429.json()) as {
      error: {
        message: string;
        data: { code: string; httpStatus: number; details: { retryAfterSeconds: number; scope: string } };
      };
    };
    expect(body.error.data.code).toBe('TOO_MANY_REQUESTS');
    expect(body.error.data.httpStatus).toBe(429);
    expect(body.error.data.details.scope).toBe('anonymous');
    expect(body.error.data.details.retryAfterSeconds).toBe(retryAfter);

    // Another IP is unaffected.
    expect((await call(0, { 'x-forwarded-for': freshIp() })).status).toBe(200);
  });

  it('gives different API keys separate budgets (their own rateLimitPerMinute), across both processes', async () => {
    const userId = new Types.ObjectId();
    const make = async (limit: number) => {
      const k = generateApiKey();
      await ApiKey.create({
        userId,
        name: `k${uid()}`,
        prefix: k.prefix,
        hash: k.hash,
        rateLimitPerMinute: limit,
      });
      return k.key;
    };
    const [k1, k2] = await Promise.all([make(4), make(6)]);
    const ip = freshIp();
    await awayFromWindowEdge();
    const burst = (key: string, n: number) =>
      Promise.all(Array.from({ length: n }, (_, i) => call(i, { 'x-api-key': key, 'x-forwarded-for': ip })));
    const [r1, r2] = await Promise.all([burst(k1, 7), burst(k2, 9)]);
    expect(r1.filter((r) => r.status === 200)).toHaveLength(4);
    expect(r2.filter((r) => r.status === 200)).toHaveLength(6);
    expect(r1.find((r) => r.status === 200)?.headers.get('ratelimit-limit')).toBe('4');
    expect(r2.find((r) => r.status === 429)?.headers.get('ratelimit-limit')).toBe('6');
    // Keys are not charged to the IP: the same IP still has its anonymous budget.
    expect((await call(1, { 'x-forwarded-for': ip })).status).toBe(200);
  });
});
