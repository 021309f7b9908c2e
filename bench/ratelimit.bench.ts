// Rate-limit check cost against a single Redis round trip (GET) in the same run: a check is one
// EVALSHA of the sliding-window script (target ≤ 1.2× the GET), and a caller already blocked is
// answered from the process's memory (ephemeralCache) without touching Redis.
import { createRedis, whenReady } from '@tonearm/cache';
import { env } from '@tonearm/config';
import { RateLimiter, resolveScopes } from '@tonearm/ratelimit';
import type { Harness } from './harness';

export default async function (h: Harness) {
  const redis = createRedis(env().REDIS_URL, { keyPrefix: 'bench:' });
  await whenReady(redis);
  await redis.set('rt', '1');
  let commands = 0;
  const counted = new Proxy(redis, {
    get(target, prop, receiver) {
      if (prop === 'evalsha' || prop === 'eval') commands++;
      return Reflect.get(target, prop, receiver);
    },
  });
  const limiter = new RateLimiter(counted, {
    scopes: resolveScopes(JSON.stringify({ anonymous: { limit: 1_000_000_000 }, auth: { limit: 1 } })),
    prefix: `rlbench${Date.now()}`,
  });
  const id = `bench-${process.pid}`;

  commands = 0;
  const allowed = await h.compare(
    'check (allowed) vs one Redis GET',
    () => limiter.check('anonymous', id),
    () => redis.get('rt'),
    { iterations: 5000 },
  );
  const checks = allowed.target!.n + 200 + 4 * 10; // timed + warm-up calls
  h.record({
    name: 'Redis script calls per allowed check',
    figures: { calls: +(commands / checks).toFixed(3) },
    note: 'one EVALSHA per check (the first NOSCRIPT falls back to EVAL once)',
  });

  // Block a caller, then time the blocked path: answered from memory.
  await limiter.check('auth', id);
  await limiter.check('auth', id);
  commands = 0;
  const blocked = await h.compare(
    'check (already blocked, from memory) vs one Redis GET',
    () => limiter.check('auth', id),
    () => redis.get('rt'),
    { iterations: 5000 },
  );
  h.record({
    name: 'Redis calls on the blocked path',
    figures: { calls: commands, blockedChecks: blocked.target!.n },
  });
  redis.disconnect();
}
