// Cache-aside over Redis for Mongoose reads: get-or-load with in-process single-flight and a short
// cross-process fill lock (a burst of misses on one key runs one query), TTL with jitter, per-key
// generations so a load that raced a write never stores stale data, tag generations for lists,
// hit/miss metrics. Redis being unreachable is never an error for a read: the loader runs and the
// request succeeds.
//
// Invalidation is O(1) whatever the number of cached entries: a tag is a counter
// (`<p>:tg:{<tag>}`), an entry records the counters of its tags as they were before its load, and a
// read whose recorded counters differ from the current ones is a miss. invalidateTags() is one INCR
// per tag; stale entries are never read again and leave with their TTL. (It used to be a member set
// per tag walked by SMEMBERS + DEL: 24.8 s of blocked Redis at 1M entries; `pnpm bench cache`.)
// Redis Cluster: an entry's value, generation and fill lock share the hash tag {<ns>:<id>}, so each
// script touches one slot; tag counters live in their own slots and are read with separate GETs.
import { metrics } from '@tonearm/observability';
import type { RedisClient } from './redis';

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

/** Generation counters outlive every entry that may have recorded them (entries are capped below). */
const GEN_TTL_SECONDS = 7 * 86_400;
const MAX_ENTRY_TTL_SECONDS = 86_400;

// Store only if nobody invalidated the key since we read its generation.
// KEYS: value, gen.  ARGV: json, ttlSeconds, expectedGen
const SET_IF_GEN = `
local gen = redis.call('GET', KEYS[2]) or '0'
if gen ~= ARGV[3] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1`;

// Drop one key and bump its generation. KEYS: value, gen.  ARGV: gen ttl
const INVALIDATE = `
redis.call('DEL', KEYS[1])
redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], ARGV[1])
return 1`;

// Bump a tag's generation: every entry recorded under an older one is stale. KEYS: tag gen. ARGV: ttl
const BUMP_TAG = `
local g = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[1])
return g`;

/** What is stored: the value and the tag generations it was loaded under. */
type Envelope = { v: unknown; t?: string[] };

type ScriptRedis = {
  tonearmCacheSetIfGen(
    value: string,
    gen: string,
    json: string,
    ttl: number,
    expected: string,
  ): Promise<number>;
  tonearmCacheInvalidate(value: string, gen: string, genTtl: number): Promise<number>;
  tonearmCacheBumpTag(tag: string, genTtl: number): Promise<number>;
};

const GEN = ':gen';
const NONE = Symbol('none');

export class Cache {
  readonly prefix: string;
  private readonly ttl: number;
  private readonly jitter: number;
  private readonly fillWaitMs: number;
  private readonly inflight = new Map<string, Promise<unknown>>();
  private readonly r: ScriptRedis;

  constructor(
    private readonly redis: RedisClient,
    opts: CacheOptions = {},
  ) {
    this.prefix = opts.prefix ?? 'c';
    this.ttl = opts.defaultTtlSeconds ?? 300;
    this.jitter = opts.jitter ?? 0.1;
    this.fillWaitMs = opts.fillWaitMs ?? 150;
    // Every key a script touches is declared (KEYS[]), so ioredis routes it and prefixes it.
    if (!('tonearmCacheSetIfGen' in redis)) {
      redis.defineCommand('tonearmCacheSetIfGen', { numberOfKeys: 2, lua: SET_IF_GEN });
      redis.defineCommand('tonearmCacheInvalidate', { numberOfKeys: 2, lua: INVALIDATE });
      redis.defineCommand('tonearmCacheBumpTag', { numberOfKeys: 1, lua: BUMP_TAG });
    }
    this.r = redis as unknown as ScriptRedis;
  }

  /** An entry's key: its hash tag keeps the value, its generation and its fill lock in one slot. */
  key(namespace: string, id: string): string {
    return `${this.prefix}:{${namespace}:${id}}`;
  }
  /** A tag's generation counter. */
  tagKey(tag: string): string {
    return `${this.prefix}:tg:{${tag}}`;
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
    const tags = opts.tags ?? [];
    let gen: string;
    let tagGens: string[];
    try {
      // One round trip: the entry and its generation (one slot), each tag's counter (its own slot).
      const [[raw, g], ...tg] = await Promise.all([
        this.redis.mget(key, key + GEN),
        ...tags.map((t) => this.redis.get(this.tagKey(t))),
      ]);
      tagGens = tg.map((x) => (x as string | null) ?? '0');
      if (raw != null) {
        const env = JSON.parse(raw) as Envelope;
        if (sameGens(env.t ?? [], tagGens)) {
          metrics.cacheRequests.inc({ namespace, result: 'hit' });
          return env.v as T;
        }
      }
      gen = g ?? '0';
    } catch {
      metrics.cacheRequests.inc({ namespace, result: 'error' });
      return load();
    }
    metrics.cacheRequests.inc({ namespace, result: 'miss' });

    // Another process may be filling this key: wait a moment for its value instead of querying too.
    const waited = await this.waitForPeer<T>(key, tagGens);
    if (waited !== NONE) return waited;

    const value = await load();
    const ttl = Math.min(
      MAX_ENTRY_TTL_SECONDS,
      Math.round((opts.ttlSeconds ?? this.ttl) * (1 + Math.random() * this.jitter)),
    );
    // The tag generations read BEFORE the load: a tag bumped while loading leaves this entry stale.
    const envelope: Envelope = tags.length ? { v: value, t: tagGens } : { v: value };
    try {
      await this.r.tonearmCacheSetIfGen(key, key + GEN, JSON.stringify(envelope), ttl, gen);
      await this.redis.del(`${key}:lock`);
    } catch {
      // Redis went away between read and write: the caller still gets its value.
    }
    return value;
  }

  private async waitForPeer<T>(key: string, tagGens: string[]): Promise<T | typeof NONE> {
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
        if (raw != null) {
          const env = JSON.parse(raw) as Envelope;
          if (sameGens(env.t ?? [], tagGens)) return env.v as T;
        }
      } catch {
        return NONE;
      }
    }
    return NONE;
  }

  /** Drops entries after a write. Errors are swallowed: the TTL bounds staleness if Redis is away. */
  async invalidate(namespace: string, ...ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    // One single-slot script per key (keys of different ids live in different slots of a Cluster).
    await Promise.all(
      ids.map((id) => {
        const key = this.key(namespace, id);
        return this.r.tonearmCacheInvalidate(key, key + GEN, GEN_TTL_SECONDS).catch(() => {
          // see above
        });
      }),
    );
  }

  /** Makes every entry recorded under these tags stale: one INCR per tag, whatever the entry count. */
  async invalidateTags(...tags: string[]): Promise<void> {
    await Promise.all(
      [...new Set(tags)].map((tag) =>
        this.r.tonearmCacheBumpTag(this.tagKey(tag), GEN_TTL_SECONDS).catch(() => {
          // see above
        }),
      ),
    );
  }
}

function sameGens(stored: string[], current: string[]): boolean {
  if (stored.length !== current.length) return false;
  for (let i = 0; i < stored.length; i++) if (stored[i] !== current[i]) return false;
  return true;
}
