// One limiter per process over the scope table: one Lua script call to Redis per check (fixed or
// sliding window per scope, exact across processes), callers already blocked answered from memory (ephemeralCache)
// without Redis, and the scope's failMode applied when Redis errors or hangs.

import { connectRedis, parseClusterNodes, type RedisClient as Redis } from '@tonearm/cache/connect';
import { Ratelimit } from '@upstash/ratelimit';
import { upstashAdapter } from './redis-adapter';
import { SCOPES, type Scope, type ScopeName } from './scopes';

export type RateLimitDecision = {
  scope: ScopeName;
  /** allowed: counted and under the limit; blocked: over it; unavailable: Redis failed and the scope fails closed. */
  outcome: 'allowed' | 'blocked' | 'unavailable';
  limit: number;
  windowSeconds: number;
  remaining: number;
  /** Unix ms when the window frees up. */
  resetMs: number;
  retryAfterSeconds: number;
  /** Answered without Redis: from the blocked-caller cache, or failed open/closed. */
  source: 'redis' | 'memory' | 'fail-open' | 'fail-closed';
};

export type RateLimiterOptions = {
  scopes?: Record<ScopeName, Scope>;
  /** Redis key prefix of the counters. */
  prefix?: string;
  /**
   * A check slower than this counts as Redis being unavailable (ms). Unset by default: the Redis
   * client's own commandTimeout bounds a hung Redis (createRedis and createRateLimitRedis: 500 ms),
   * and a per-check timer would cost more than the script call itself on the hot path.
   */
  timeoutMs?: number;
  /** Called once per check (metrics); kept a callback so the web proxy bundle needs no prom-client. */
  onDecision?: (scope: ScopeName, result: DecisionResult) => void;
};

export type DecisionResult = 'allowed' | 'blocked' | 'blocked_cached' | 'fail_open' | 'fail_closed';

export class RateLimiter {
  readonly scopes: Record<ScopeName, Scope>;
  private readonly redis: ReturnType<typeof upstashAdapter>;
  private readonly prefix: string;
  private readonly timeoutMs: number | undefined;
  private readonly onDecision: NonNullable<RateLimiterOptions['onDecision']>;
  private readonly limiters = new Map<string, Ratelimit>();
  /** Shared by every scope: identifiers are namespaced by scope, so they never collide. */
  private readonly blocked = new Map<string, number>();

  constructor(redis: Redis, opts: RateLimiterOptions = {}) {
    this.redis = upstashAdapter(redis);
    this.scopes = opts.scopes ?? SCOPES;
    this.prefix = opts.prefix ?? 'rl';
    this.timeoutMs = opts.timeoutMs;
    this.onDecision = opts.onDecision ?? (() => {});
  }

  private limiterFor(scope: ScopeName, limit: number, s: Scope): Ratelimit {
    const windowSeconds = s.windowSeconds;
    const id = `${scope}:${limit}:${windowSeconds}:${s.algorithm}`;
    let rl = this.limiters.get(id);
    if (!rl) {
      rl = new Ratelimit({
        // biome-ignore lint/suspicious/noExplicitAny: the adapter implements the slice of @upstash/redis Ratelimit calls
        redis: this.redis as any,
        limiter:
          s.algorithm === 'sliding'
            ? Ratelimit.slidingWindow(limit, `${windowSeconds} s`)
            : Ratelimit.fixedWindow(limit, `${windowSeconds} s`),
        prefix: `${this.prefix}:${scope}`,
        ephemeralCache: this.blocked,
        // Our own timeout below applies the scope's failMode; Ratelimit's would always fail open.
        timeout: 0,
        analytics: false,
        enableTelemetry: false,
      });
      this.limiters.set(id, rl);
    }
    return rl;
  }

  /**
   * Counts one call of `identifier` in `scope`. `limit` overrides the scope's limit (an API key's own
   * rateLimitPerMinute). Never throws: a Redis failure becomes the scope's failMode.
   */
  async check(scopeName: ScopeName, identifier: string, limit?: number): Promise<RateLimitDecision> {
    const scope = this.scopes[scopeName];
    const max = limit ?? scope.limit;
    const rl = this.limiterFor(scopeName, max, scope);
    // A hash tag around the whole identity: the sliding window's two keys (this window and the
    // previous one) share a slot, as its script needs on a Redis Cluster.
    const key = `{${scopeName}:${max}:${identifier}}`;
    let res: Awaited<ReturnType<Ratelimit['limit']>>;
    // Only the Redis round trip is guarded: a bug below must throw, not silently fail open.
    try {
      res = await (this.timeoutMs === undefined
        ? rl.limit(key)
        : withDeadline(rl.limit(key), this.timeoutMs));
    } catch {
      const isOpen = scope.failMode === 'open';
      this.onDecision(scopeName, isOpen ? 'fail_open' : 'fail_closed');
      return {
        scope: scopeName,
        outcome: isOpen ? 'allowed' : 'unavailable',
        limit: max,
        windowSeconds: scope.windowSeconds,
        remaining: max,
        resetMs: Date.now() + scope.windowSeconds * 1000,
        retryAfterSeconds: isOpen ? 0 : 5,
        source: isOpen ? 'fail-open' : 'fail-closed',
      };
    }
    const now = Date.now();
    const decision: RateLimitDecision = {
      scope: scopeName,
      outcome: res.success ? 'allowed' : 'blocked',
      limit: res.limit,
      windowSeconds: scope.windowSeconds,
      remaining: Math.max(0, res.remaining),
      resetMs: res.reset,
      retryAfterSeconds: res.success ? 0 : Math.max(1, Math.ceil((res.reset - now) / 1000)),
      source: res.reason === 'cacheBlock' ? 'memory' : 'redis',
    };
    this.onDecision(
      scopeName,
      decision.outcome === 'allowed'
        ? 'allowed'
        : decision.source === 'memory'
          ? 'blocked_cached'
          : 'blocked',
    );
    return decision;
  }
}

function withDeadline<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('rate limit check timed out')), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** RateLimit-* (IETF draft) and Retry-After headers for a decision. */
export function rateLimitHeaders(d: RateLimitDecision): Record<string, string> {
  if (d.source === 'fail-open') return {};
  const resetSeconds = Math.max(0, Math.ceil((d.resetMs - Date.now()) / 1000));
  const h: Record<string, string> = {
    'RateLimit-Limit': String(d.limit),
    'RateLimit-Remaining': String(d.remaining),
    'RateLimit-Reset': String(resetSeconds),
    'RateLimit-Policy': `${d.limit};w=${d.windowSeconds}`,
  };
  if (d.outcome !== 'allowed') h['Retry-After'] = String(d.retryAfterSeconds);
  return h;
}

/**
 * A Redis client for a limiter outside the server (the web proxy, which reads no config module):
 * fails fast, never queues. `clusterNodes` is REDIS_CLUSTER_NODES (host:port,...) on a Cluster.
 */
export function createRateLimitRedis(url: string, clusterNodes?: string): Redis {
  const r = connectRedis(
    { url, clusterNodes: parseClusterNodes(clusterNodes) },
    {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: 500,
      connectTimeout: 2_000,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
    },
  );
  r.on('error', () => {});
  return r;
}
