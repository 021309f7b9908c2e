// The limiter against the real Redis: exact counting, headers, the blocked-caller cache, the scope
// table (auth.* by IP, API keys with their own budget) and the fail-open / fail-closed choice when
// Redis errors or hangs.

import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:net';
import type { RedisClient as Redis } from '@tonearm/cache';
import { createRedis, whenReady } from '@tonearm/cache';
import { awayFromWindowEdge, uid } from '@tonearm/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimiter, rateLimitHeaders, resolveScopes, SCOPES, subjectOf } from '../src';

let redis: Redis;
const prefix = `rlt${uid(4)}`;

beforeAll(async () => {
  redis = createRedis({ keyPrefix: `${prefix}:` });
  await whenReady(redis);
});
afterAll(() => redis?.disconnect());

const scopes = resolveScopes(
  JSON.stringify({ anonymous: { limit: 5 }, auth: { limit: 2 }, apiKey: { limit: 50 } }),
);

describe('RateLimiter', () => {
  it('admits exactly N of N+k concurrent calls and reports headers', async () => {
    const rl = new RateLimiter(redis, { scopes });
    const id = `ip-${uid()}`;
    await awayFromWindowEdge();
    const ds = await Promise.all(Array.from({ length: 9 }, () => rl.check('anonymous', id)));
    expect(ds.filter((d) => d.outcome === 'allowed')).toHaveLength(5);
    expect(ds.filter((d) => d.outcome === 'blocked')).toHaveLength(4);
    const blocked = ds.find((d) => d.outcome === 'blocked')!;
    const h = rateLimitHeaders(blocked);
    expect(h['RateLimit-Limit']).toBe('5');
    expect(h['RateLimit-Remaining']).toBe('0');
    expect(Number(h['Retry-After'])).toBeGreaterThan(0);
    expect(Number(h['Retry-After'])).toBeLessThanOrEqual(60);
    expect(h['RateLimit-Policy']).toBe('5;w=60');
    const remaining = ds
      .filter((d) => d.outcome === 'allowed')
      .map((d) => d.remaining)
      .sort();
    expect(remaining).toEqual([0, 1, 2, 3, 4]);
  });

  it('answers an already-blocked caller from memory without Redis', async () => {
    const own = createRedis({ keyPrefix: `${prefix}:` });
    await whenReady(own);
    const rl = new RateLimiter(own, { scopes });
    const id = `ip-${uid()}`;
    await awayFromWindowEdge();
    for (let i = 0; i < 6; i++) await rl.check('anonymous', id);
    own.disconnect();
    const d = await rl.check('anonymous', id);
    expect(d).toMatchObject({ outcome: 'blocked', source: 'memory' });
    // Another caller on the same (now disconnected) client goes to Redis and fails open.
    expect(await rl.check('anonymous', `ip-${uid()}`)).toMatchObject({
      outcome: 'allowed',
      source: 'fail-open',
    });
  });

  it('gives each API key its own budget, its own rateLimitPerMinute winning over the scope', async () => {
    const rl = new RateLimiter(redis, { scopes });
    const a = subjectOf({ ip: '10.0.0.1', apiKey: { keyId: `k-${uid()}`, rateLimitPerMinute: 3 } });
    const b = subjectOf({ ip: '10.0.0.1', apiKey: { keyId: `k-${uid()}`, rateLimitPerMinute: 4 } });
    await awayFromWindowEdge();
    const run = async (s: typeof a, n: number) => {
      const out = [];
      for (let i = 0; i < n; i++) out.push((await rl.check(s.scope, s.identifier, s.limit)).outcome);
      return out.filter((o) => o === 'allowed').length;
    };
    expect(await run(a, 6)).toBe(3);
    expect(await run(b, 6)).toBe(4);
  });

  it('keys auth.* procedures by IP in the stricter auth scope', async () => {
    expect(subjectOf({ ip: '1.2.3.4', userId: 'u1' }, 'auth.signIn')).toEqual({
      scope: 'auth',
      identifier: '1.2.3.4',
    });
    expect(subjectOf({ ip: '1.2.3.4' }, 'auth.requestPasswordReset').scope).toBe('authRecovery');
    // Session reads and logging out are counted like any call of the caller, never as sign-in attempts.
    expect(subjectOf({ ip: '1.2.3.4', userId: 'u1' }, 'auth.me')).toEqual({
      scope: 'user',
      identifier: 'u1',
    });
    expect(subjectOf({ ip: '1.2.3.4' }, 'auth.me')).toEqual({ scope: 'anonymous', identifier: '1.2.3.4' });
    expect(subjectOf({ ip: '1.2.3.4', userId: 'u1' }, 'auth.logOut').scope).toBe('user');
    expect(subjectOf({ ip: '1.2.3.4' }, 'auth.logIn').scope).toBe('auth');
    expect(subjectOf({ ip: '1.2.3.4', userId: 'u1' }, 'song.top')).toEqual({
      scope: 'user',
      identifier: 'u1',
    });
    expect(subjectOf({ ip: '1.2.3.4' }, 'song.top')).toEqual({ scope: 'anonymous', identifier: '1.2.3.4' });
    const rl = new RateLimiter(redis, { scopes });
    const ip = `ip-${uid()}`;
    await awayFromWindowEdge();
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push((await rl.check('auth', ip)).outcome);
    expect(outcomes).toEqual(['allowed', 'allowed', 'blocked', 'blocked']);
    // The same IP still has its anonymous budget for other procedures.
    expect((await rl.check('anonymous', ip)).outcome).toBe('allowed');
  });

  it('rejects a malformed RATE_LIMITS override loudly', () => {
    expect(() => resolveScopes('{"anonymous":{"limit":-1}}')).toThrow();
    expect(() => resolveScopes('{"nope":{"limit":1}}')).toThrow();
    expect(resolveScopes(undefined)).toBe(SCOPES);
  });
});

describe('Redis unreachable', () => {
  let hang: Server;
  let hangPort: number;
  beforeAll(async () => {
    // Accepts connections and never answers: a hung Redis.
    hang = createServer(() => {});
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    hangPort = (hang.address() as AddressInfo).port;
  });
  afterAll(() => hang?.close());

  it('refused connection: open scopes admit, closed scopes (auth) answer unavailable', async () => {
    const dead = createRedis({ retryStrategy: () => null }, { url: 'redis://127.0.0.1:1' });
    dead.on('error', () => {});
    const rl = new RateLimiter(dead, { scopes });
    const open = await rl.check('anonymous', 'x');
    expect(open).toMatchObject({ outcome: 'allowed', source: 'fail-open' });
    expect(rateLimitHeaders(open)).toEqual({});
    const closed = await rl.check('auth', 'x');
    expect(closed).toMatchObject({ outcome: 'unavailable', source: 'fail-closed' });
    expect(rateLimitHeaders(closed)['Retry-After']).toBe('5');
    dead.disconnect();
  });

  it('hung Redis: the check gives up after timeoutMs and applies the scope failMode', async () => {
    const stuck = createRedis(
      { enableReadyCheck: false, enableOfflineQueue: true, commandTimeout: 10_000 },
      { url: `redis://127.0.0.1:${hangPort}` },
    );
    stuck.on('error', () => {});
    const rl = new RateLimiter(stuck, { scopes, timeoutMs: 200 });
    const t0 = Date.now();
    const [open, closed] = await Promise.all([rl.check('user', 'u'), rl.check('authRecovery', 'ip')]);
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(open.source).toBe('fail-open');
    expect(closed.outcome).toBe('unavailable');
    stuck.disconnect();
  });

  it("hung Redis, default limiter: the client's commandTimeout bounds the check", async () => {
    const stuck = createRedis(
      { enableReadyCheck: false, enableOfflineQueue: true, commandTimeout: 300 },
      { url: `redis://127.0.0.1:${hangPort}` },
    );
    stuck.on('error', () => {});
    const rl = new RateLimiter(stuck, { scopes });
    const t0 = Date.now();
    const [open, closed] = await Promise.all([rl.check('anonymous', 'a'), rl.check('auth', 'b')]);
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(open).toMatchObject({ outcome: 'allowed', source: 'fail-open' });
    expect(closed).toMatchObject({ outcome: 'unavailable', source: 'fail-closed' });
    stuck.disconnect();
  });
});
