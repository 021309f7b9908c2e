// The web proxy's per-IP limit against the real Redis: N requests pass with RateLimit-* headers,
// the next is a 429 with Retry-After; Redis unreachable → pages still served (fail open).
import { env } from '@tonearm/config';
import { createRateLimitRedis, RateLimiter, resolveScopes } from '@tonearm/ratelimit';
import { NextRequest } from 'next/server';
import { describe, expect, it } from 'vitest';
import { rateLimitRequest } from '../lib/rate-limit';

const scopes = resolveScopes(JSON.stringify({ web: { limit: 3 } }));
// One proxy in front of `next start` appends the client's address; anything left of it the client wrote.
const oneProxy = { hops: 1 };
const req = (ip: string, spoofed = '10.0.0.1') =>
  new NextRequest('http://127.0.0.1/library', { headers: { 'x-forwarded-for': `${spoofed}, ${ip}` } });

describe('web proxy rate limit', () => {
  it('admits the limit per IP, then answers 429 with Retry-After', async () => {
    const redis = createRateLimitRedis(env().REDIS_URL);
    // Until connected the client refuses commands and the web scope fails open.
    await new Promise((r) => redis.once('ready', r));
    const l = new RateLimiter(redis, { scopes, prefix: `rlweb${Date.now()}` });
    const ip = `192.0.2.${Math.floor(Math.random() * 250)}`;
    // Windows are epoch-aligned: keep the burst inside one.
    const left = 60_000 - (Date.now() % 60_000);
    if (left < 5_000) await new Promise((r) => setTimeout(r, left + 50));
    const res = [];
    // Each request spoofs a different left-most hop: it buys no fresh budget.
    for (let i = 0; i < 4; i++) res.push(await rateLimitRequest(req(ip, `6.6.6.${i}`), l, oneProxy));
    expect(res.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    expect(res[0]!.headers.get('x-middleware-next')).toBe('1');
    expect(res[0]!.headers.get('ratelimit-limit')).toBe('3');
    expect(res[2]!.headers.get('ratelimit-remaining')).toBe('0');
    expect(Number(res[3]!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await res[3]!.json()) as { error: { code: string } }).error.code).toBe('TOO_MANY_REQUESTS');
    // Another IP has its own budget.
    expect((await rateLimitRequest(req('198.51.100.7', ip), l, oneProxy)).status).toBe(200);
    // Without TRUST_PROXY the header is not believed and no shared bucket exists: nothing is counted.
    const untrusted = await rateLimitRequest(req(ip), l, { hops: 0 });
    expect(untrusted.status).toBe(200);
    expect(untrusted.headers.get('ratelimit-limit')).toBeNull();
    redis.disconnect();
  });

  it('serves pages when Redis is unreachable (fail open, no headers)', async () => {
    const dead = createRateLimitRedis('redis://127.0.0.1:1');
    const l = new RateLimiter(dead, { scopes });
    const r = await rateLimitRequest(req('203.0.113.9'), l, oneProxy);
    expect(r.status).toBe(200);
    expect(r.headers.get('ratelimit-limit')).toBeNull();
    dead.disconnect();
  });
});
