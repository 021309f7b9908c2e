// Rate limits across TWO server processes sharing one Redis: a limit of N admits exactly N of N+k
// requests spread over both, API keys have separate budgets, and the headers and the typed tRPC
// error are right.

import { generateApiKey } from '@tonearm/core';
import { ApiKey, Types } from '@tonearm/db';
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
    // The machine running the suite is overloaded at times: give Redis time rather than fail open.
    REDIS_COMMAND_TIMEOUT_MS: '5000',
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

async function failOpenCount(): Promise<number> {
  let n = 0;
  for (const s of servers) {
    const text = await (await fetch(`${s.url}/metrics`)).text();
    for (const m of text.matchAll(/tonearm_ratelimit_decisions_total\{[^}]*result="fail_open"[^}]*\} (\d+)/g))
      n += Number(m[1]);
  }
  return n;
}

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
    expect(await failOpenCount()).toBe(0);
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
    // Exactness needs every check to have reached Redis: none may have failed open (a Redis command
    // slower than the client's timeout on an overloaded machine would admit without counting).
    expect(await failOpenCount()).toBe(0);
    expect(r1.filter((r) => r.status === 200)).toHaveLength(4);
    expect(r2.filter((r) => r.status === 200)).toHaveLength(6);
    expect(r1.find((r) => r.status === 200)?.headers.get('ratelimit-limit')).toBe('4');
    expect(r2.find((r) => r.status === 429)?.headers.get('ratelimit-limit')).toBe('6');
    // Keys are not charged to the IP: the same IP still has its anonymous budget.
    expect((await call(1, { 'x-forwarded-for': ip })).status).toBe(200);
  });

  it('session reads never spend the sign-in budget: 30 auth.me from one IP while signed in, then sign-in is still limited', async () => {
    const ip = freshIp();
    await awayFromWindowEdge();
    const headers = { 'content-type': 'application/json', 'x-forwarded-for': ip };
    const pw = `Pw-${uid(12)}-correct horse`;
    const handle = `me_${uid(4)}`;
    const signUp = await fetch(`${servers[0]!.url}/trpc/auth.signUp`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ email: `${handle}@example.com`, handle, displayName: 'Reader', password: pw }),
    });
    expect(signUp.status).toBe(200);
    const cookie = signUp.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    expect(cookie).toMatch(/=/);
    // Ten tabs of one household reloading: three page loads each, every one asks auth.me.
    const me = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        fetch(`${servers[i % 2]!.url}/trpc/auth.me`, { headers: { cookie, 'x-forwarded-for': ip } }),
      ),
    );
    expect(me.map((r) => r.status)).toEqual(Array(30).fill(200));
    const bodies = (await Promise.all(me.map((r) => r.json()))) as { result: { data: { handle: string } } }[];
    expect(new Set(bodies.map((b) => b.result.data.handle))).toEqual(new Set([handle]));
    // The sign-in scope (10 per minute per IP by default; sign-up spent 1) still stops guessing.
    const guesses = [];
    for (let i = 0; i < 12; i++) {
      guesses.push(
        (
          await fetch(`${servers[i % 2]!.url}/trpc/auth.logIn`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ email: `${handle}@example.com`, password: `wrong-guess-${i}-xyz` }),
          })
        ).status,
      );
    }
    expect(guesses.filter((s) => s === 429)).toHaveLength(3);
    expect(guesses.slice(0, 9), String(guesses)).toEqual(Array(9).fill(401));
  });
});
