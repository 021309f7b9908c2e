// The slice of @upstash/redis that @upstash/ratelimit's single-region limiter calls, over ioredis.
// @upstash/ratelimit 2.2 opens each Lua script with "#!lua flags=allow-key-locking", an Upstash-only
// flag that Redis 7.0 rejects: strip it, and map Upstash's sha (of the original text) to the sha of
// the stripped text so EVALSHA keeps hitting the script cache (one round trip per check).
import { createHash } from 'node:crypto';
import type { RedisClient as Redis } from '@tonearm/cache';

const strip = (s: string) => s.replace(/^#!lua[^\n]*\n/, '');
const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
type Arg = string | number | null | undefined;

export function upstashAdapter(r: Redis) {
  const shaMap = new Map<string, string>();
  const flat = (keys: string[], args: Arg[]): [number, ...(string | number)[]] => [
    keys.length,
    ...keys,
    ...args.map((a) => (a == null ? '' : a)),
  ];
  return {
    evalsha: (sha: string, keys: string[], args: Arg[]) =>
      r.evalsha(shaMap.get(sha) ?? sha, ...flat(keys, args)),
    eval: (script: string, keys: string[], args: Arg[]) => {
      const s = strip(script);
      shaMap.set(sha1(script), sha1(s));
      return r.eval(s, ...flat(keys, args));
    },
    scriptLoad: async (script: string) => {
      const s = strip(script);
      const sha = (await r.script('LOAD', s)) as string;
      shaMap.set(sha1(script), sha);
      return sha1(script);
    },
    get: (k: string) => r.get(k),
    mget: (...k: string[]) => r.mget(...k),
    set: (k: string, v: string, o?: { px?: number }) => (o?.px ? r.set(k, v, 'PX', o.px) : r.set(k, v)),
    del: (...k: string[]) => r.del(...k),
  };
}
