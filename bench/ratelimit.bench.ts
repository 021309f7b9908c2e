// Rate-limit check cost against a single Redis round trip (GET) in the same run: a check is one
// EVALSHA (target ≤ 1.2× the GET for the fixed-window scopes that carry the traffic: anonymous,
// user, apiKey, web; the sliding-window auth scopes are shown too), and a caller already blocked is
// answered from the process's memory (ephemeralCache) without touching Redis.
import { createRedis, whenReady } from '@tonearm/cache';
import { RateLimiter, resolveScopes } from '@tonearm/ratelimit';
import type { Harness } from './harness';

export default async function (h: Harness) {
  const redis = createRedis({ keyPrefix: 'bench:' });
  await whenReady(redis);
  await redis.set('rt', '1');
  // Script calls as Redis counts them (this worktree's Redis: nothing else runs on it during a bench).
  const scriptCalls = async () => {
    const info = await redis.info('commandstats');
    let n = 0;
    for (const m of info.matchAll(/cmdstat_(?:evalsha|eval):calls=(\d+)/g)) n += Number(m[1]);
    return n;
  };
  const limiter = new RateLimiter(redis, {
    scopes: resolveScopes(
      JSON.stringify({
        anonymous: { limit: 1_000_000_000 },
        auth: { limit: 1_000_000_000 },
        authRecovery: { limit: 1 },
      }),
    ),
    prefix: `rlbench${Date.now()}`,
  });
  const id = `bench-${process.pid}`;

  let before = await scriptCalls();
  const allowed = await h.compare(
    'check, fixed window (allowed) vs one Redis GET',
    () => limiter.check('anonymous', id),
    () => redis.get('rt'),
    { iterations: 5000 },
  );
  const checks = allowed.target!.n + 200 + 4 * 10; // timed + warm-up calls
  h.record({
    name: 'Redis script calls per allowed check',
    figures: { calls: +(((await scriptCalls()) - before) / checks).toFixed(3) },
    note: 'one EVALSHA per check (the first NOSCRIPT falls back to EVAL once)',
  });

  // Where the difference goes: the same Lua script called bare (no Ratelimit, no adapter).
  const script = `local r = redis.call("INCRBY", KEYS[1], ARGV[1])
if r == tonumber(ARGV[1]) then redis.call("PEXPIRE", KEYS[1], ARGV[2]) end
return r`;
  const sha = (await redis.script('LOAD', script)) as string;
  await h.compare(
    'bare EVALSHA of an INCRBY+PEXPIRE script vs one Redis GET',
    () => redis.evalsha(sha, 1, `bare-${process.pid}`, 1, 60_000),
    () => redis.get('rt'),
    { iterations: 3000, note: 'diagnostic: Redis-side cost of running any Lua script' },
  );

  await h.compare(
    'check, sliding window (auth scopes, allowed) vs one Redis GET',
    () => limiter.check('auth', id),
    () => redis.get('rt'),
    { iterations: 3000 },
  );

  // Block a caller, then time the blocked path: answered from memory.
  await limiter.check('authRecovery', id);
  await limiter.check('authRecovery', id);
  before = await scriptCalls();
  const blocked = await h.compare(
    'check (already blocked, from memory) vs one Redis GET',
    () => limiter.check('authRecovery', id),
    () => redis.get('rt'),
    { iterations: 5000 },
  );
  h.record({
    name: 'Redis calls on the blocked path',
    figures: { calls: (await scriptCalls()) - before, blockedChecks: blocked.target!.n },
  });
  redis.disconnect();
}
