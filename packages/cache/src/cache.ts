// Cache-aside over Redis for Mongoose reads: get-or-load with in-process single-flight and a short
// cross-process fill lock (a burst of misses on one key runs one query), TTL with jitter, per-key
// generations so a load that raced a write never stores stale data, tags for lists, hit/miss metrics.
// Redis being unreachable is never an error for a read: the loader runs and the request succeeds.
import { metrics } from '@tonearm/observability';
import type { Redis } from 'ioredis';

export type CacheOptions = {
  /** Prefix of every key, so several deployments can share one Redis. */
  prefix?: string;
  defaultTtlSeconds?: number;
  /** Fraction of the TTL added at random (0.1 = up to +10%), so entries made together expire apart. */
  jitter?: number;
  /** How long a process waits for another process that holds the fill lock before loading itself. */
  fillWaitMs?: number;
};

export type GetOrLoadOptions = {
  ttlSeconds?: number;
  /** Tags (e.g. "playlists:user:<id>") whose invalidation drops this entry too. */
  tags?: string[];
};

// Store only if nobody invalidated the key since we read its generation, then tag it.
// KEYS: value, gen, tag...  ARGV: json, ttlSeconds, expectedGen
const SET_IF_GEN = `
local gen = redis.call('GET', KEYS[2]) or '0'
if gen ~= ARGV[3] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
for i = 3, #KEYS do
  redis.call('SADD', KEYS[i], KEYS[1])
  redis.call('EXPIRE', KEYS[i], 86400)
end
return 1`;

// Drop keys and bump their generations. KEYS: value keys. ARGV: gen suffix
const INVALIDATE = `
for i = 1, #KEYS do
  redis.call('DEL', KEYS[i])
  redis.call('INCR', KEYS[i] .. ARGV[1])
  redis.call('EXPIRE', KEYS[i] .. ARGV[1], 86400)
end
return #KEYS`;

// Drop every key under a tag. KEYS: tag. ARGV: gen suffix
const INVALIDATE_TAG = `
local members = redis.call('SMEMBERS', KEYS[1])
for _, k in ipairs(members) do
  redis.call('DEL', k)
  redis.call('INCR', k .. ARGV[1])
  redis.call('EXPIRE', k .. ARGV[1], 86400)
end
redis.call('DEL', KEYS[1])
return #members`;

const GEN = ':gen';
const NONE = Symbol('none');

export class Cache {
  readonly prefix: string;
  private readonly ttl: number;
  private readonly jitter: number;
  private readonly fillWaitMs: number;
  private readonly inflight = new Map<string, Promise<unknown>>();

  constructor(
    private readonly redis: Redis,
    opts: CacheOptions = {},
  ) {
    this.prefix = opts.prefix ?? 'c';
    this.ttl = opts.defaultTtlSeconds ?? 300;
    this.jitter = opts.jitter ?? 0.1;
    this.fillWaitMs = opts.fillWaitMs ?? 150;
    redis.defineCommand('tonearmSetIfGen', { lua: SET_IF_GEN });
    redis.defineCommand('tonearmInvalidate', { lua: INVALIDATE });
    redis.defineCommand('tonearmInvalidateTag', { lua: INVALIDATE_TAG });
  }

  key(namespace: string, id: string): string {
    return `${this.prefix}:${namespace}:${id}`;
  }
  tagKey(tag: string): string {
    return `${this.prefix}:tag:${tag}`;
  }

  /** Returns the cached value or runs load once (per key, across concurrent callers) and caches it. */
  async getOrLoad<T>(
    namespace: string,
    id: string,
    load: () => Promise<T>,
    opts: GetOrLoadOptions = {},
  ): Promise<T> {
    const key = this.key(namespace, id);
    const pending = this.inflight.get(key);
    if (pending) {
      metrics.cacheRequests.inc({ namespace, result: 'coalesced' });
      return pending as Promise<T>;
    }
    const p = this.fill(namespace, key, load, opts).finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }

  private async fill<T>(namespace: string, key: string, load: () => Promise<T>, opts: GetOrLoadOptions) {
    let gen: string;
    try {
      const [raw, g] = await this.redis.mget(key, key + GEN);
      if (raw != null) {
        metrics.cacheRequests.inc({ namespace, result: 'hit' });
        return JSON.parse(raw) as T;
      }
      gen = g ?? '0';
    } catch {
      metrics.cacheRequests.inc({ namespace, result: 'error' });
      return load();
    }
    metrics.cacheRequests.inc({ namespace, result: 'miss' });

    // Another process may be filling this key: wait a moment for its value instead of querying too.
    const waited = await this.waitForPeer<T>(key);
    if (waited !== NONE) return waited;

    const value = await load();
    const ttl = Math.round((opts.ttlSeconds ?? this.ttl) * (1 + Math.random() * this.jitter));
    const tagKeys = (opts.tags ?? []).map((t) => this.tagKey(t));
    try {
      await (
        this.redis as unknown as {
          tonearmSetIfGen(n: number, ...a: (string | number)[]): Promise<number>;
        }
      ).tonearmSetIfGen(2 + tagKeys.length, key, key + GEN, ...tagKeys, JSON.stringify(value), ttl, gen);
      await this.redis.del(`${key}:lock`);
    } catch {
      // Redis went away between read and write: the caller still gets its value.
    }
    return value;
  }

  private async waitForPeer<T>(key: string): Promise<T | typeof NONE> {
    let locked: string | null;
    try {
      locked = await this.redis.set(`${key}:lock`, '1', 'PX', this.fillWaitMs * 2, 'NX');
    } catch {
      return NONE;
    }
    if (locked === 'OK') return NONE;
    const deadline = Date.now() + this.fillWaitMs;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
      try {
        const raw = await this.redis.get(key);
        if (raw != null) return JSON.parse(raw) as T;
      } catch {
        return NONE;
      }
    }
    return NONE;
  }

  /** Drops entries after a write. Errors are swallowed: the TTL bounds staleness if Redis is away. */
  async invalidate(namespace: string, ...ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const keys = ids.map((id) => this.key(namespace, id));
    try {
      await (
        this.redis as unknown as { tonearmInvalidate(n: number, ...a: string[]): Promise<number> }
      ).tonearmInvalidate(keys.length, ...keys, GEN);
    } catch {
      // see above
    }
  }

  async invalidateTags(...tags: string[]): Promise<void> {
    for (const tag of tags) {
      try {
        await (
          this.redis as unknown as { tonearmInvalidateTag(n: number, ...a: string[]): Promise<number> }
        ).tonearmInvalidateTag(1, this.tagKey(tag), GEN);
      } catch {
        // see above
      }
    }
  }
}
