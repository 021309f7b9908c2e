// The web proxy's per-IP limit against the real Redis: N requests pass with RateLimit-* headers,
// the next is a 429 with Retry-After; Redis unreachable → pages still served (fail open).
import { env } from '@tonearm/config';
import { createRateLimitRedis, RateLimiter, resolveScopes } from '@tonearm/ratelimit';
import { NextRequest } from 'next/server';
import { describe, expect, it } from 'vitest';
import { rateLimitRequest } from '../lib/rate-limit';

const scopes = resolveScopes(JSON.stringify({ web: { limit: 3 } }));
const req = (ip: string) =>
  new NextRequest('http://127.0.0.1/library', { headers: { 'x-forwarded-for': `${ip}, 10.0.0.1` } });

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
    for (let i = 0; i < 4; i++) res.push(await rateLimitRequest(req(ip), l));
    expect(res.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    expect(res[0]!.headers.get('x-middleware-next')).toBe('1');
    expect(res[0]!.headers.get('ratelimit-limit')).toBe('3');
    expect(res[2]!.headers.get('ratelimit-remaining')).toBe('0');
    expect(Number(res[3]!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await res[3]!.json()) as { error: { code: string } }).error.code).toBe('TOO_MANY_REQUESTS');
    // Another IP has its own budget.
    expect((await rateLimitRequest(req('198.51.100.7'), l)).status).toBe(200);
    redis.disconnect();
  });

  it('serves pages when Redis is unreachable (fail open, no headers)', async () => {
    const dead = createRateLimitRedis('redis://127.0.0.1:1');
    const l = new RateLimiter(dead, { scopes });
    const r = await rateLimitRequest(req('203.0.113.9'), l);
    expect(r.status).toBe(200);
    expect(r.headers.get('ratelimit-limit')).toBeNull();
    dead.disconnect();
  });
});
