// Per-IP rate limit of page and route requests (scope "web" in packages/ratelimit/src/scopes.ts),
// run by proxy.ts. Fails open when Redis is unreachable: pages must render even if the limiter's
// store is down (the API server still limits the calls those pages make). Reads REDIS_URL,
// REDIS_CLUSTER_NODES, RATE_LIMITS and TRUST_PROXY through @tonearm/config/web (no file loading for Next to trace).
import { webEnv } from '@tonearm/config/web';
import {
  clientAddress,
  createRateLimitRedis,
  parseTrustProxy,
  RateLimiter,
  rateLimitHeaders,
  resolveScopes,
  type TrustProxy,
} from '@tonearm/ratelimit';
import { type NextRequest, NextResponse } from 'next/server';

let limiter: RateLimiter | null | undefined;
function getLimiter(): RateLimiter | null {
  if (limiter === undefined) {
    const e = webEnv();
    const url = e.REDIS_URL;
    if (!url) console.warn('[tonearm web] REDIS_URL is not set: page rate limiting is off');
    limiter = url
      ? new RateLimiter(createRateLimitRedis(url, e.REDIS_CLUSTER_NODES), {
          scopes: resolveScopes(e.RATE_LIMITS),
          prefix: 'rl',
        })
      : null;
  }
  return limiter;
}

let trustProxy: TrustProxy | undefined;
let warned = false;

/**
 * The client IP, from X-Forwarded-For as written by the TRUST_PROXY proxies in front of `next start`
 * (the proxy cannot see the socket address), or null without a trusted proxy: never a client-supplied
 * header, never one shared "unknown" bucket.
 */
function envTrust(): TrustProxy {
  if (!trustProxy) trustProxy = parseTrustProxy(webEnv().TRUST_PROXY);
  return trustProxy;
}

export function clientIp(req: NextRequest, trust: TrustProxy = envTrust()): string | null {
  return clientAddress(undefined, req.headers.get('x-forwarded-for') ?? undefined, trust);
}

export async function rateLimitRequest(
  req: NextRequest,
  l: RateLimiter | null = getLimiter(),
  trust?: TrustProxy,
  next: () => NextResponse = () => NextResponse.next(),
): Promise<NextResponse> {
  if (!l) return next();
  const ip = clientIp(req, trust);
  if (!ip) {
    if (!warned)
      console.warn(
        '[tonearm web] TRUST_PROXY is not set: the web cannot tell clients apart, page rate limiting is off (the API server still limits)',
      );
    warned = true;
    return next();
  }
  const d = await l.check('web', ip);
  const headers = rateLimitHeaders(d);
  if (d.outcome === 'blocked') {
    return NextResponse.json(
      {
        error: {
          code: 'TOO_MANY_REQUESTS',
          message: 'Too many requests',
          retryAfterSeconds: d.retryAfterSeconds,
        },
      },
      { status: 429, headers },
    );
  }
  const res = next();
  for (const [k, v] of Object.entries(headers)) res.headers.set(k, v);
  return res;
}
