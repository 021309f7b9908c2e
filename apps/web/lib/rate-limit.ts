// Per-IP rate limit of page and route requests (scope "web" in packages/ratelimit/src/scopes.ts),
// run by proxy.ts. Fails open when Redis is unreachable: pages must render even if the limiter's
// store is down (the API server still limits the calls those pages make). Reads REDIS_URL and
// RATE_LIMITS from the environment directly: @tonearm/config's file loading would make Next trace
// the whole repository into the proxy bundle.
import { createRateLimitRedis, RateLimiter, rateLimitHeaders, resolveScopes } from '@tonearm/ratelimit';
import { type NextRequest, NextResponse } from 'next/server';

let limiter: RateLimiter | null | undefined;
function getLimiter(): RateLimiter | null {
  if (limiter === undefined) {
    const url = process.env.REDIS_URL;
    if (!url) console.warn('[tonearm web] REDIS_URL is not set: page rate limiting is off');
    limiter = url
      ? new RateLimiter(createRateLimitRedis(url), {
          scopes: resolveScopes(process.env.RATE_LIMITS),
          prefix: 'rl',
        })
      : null;
  }
  return limiter;
}

/** The client IP: the first X-Forwarded-For hop (the load balancer overwrites it), else X-Real-IP. */
export function clientIp(req: NextRequest): string {
  return (
    req.headers.get('x-forwarded-for')?.split(',')[0]?.trim() || req.headers.get('x-real-ip') || 'unknown'
  );
}

export async function rateLimitRequest(
  req: NextRequest,
  l: RateLimiter | null = getLimiter(),
): Promise<NextResponse> {
  if (!l) return NextResponse.next();
  const d = await l.check('web', clientIp(req));
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
  const res = NextResponse.next();
  for (const [k, v] of Object.entries(headers)) res.headers.set(k, v);
  return res;
}
