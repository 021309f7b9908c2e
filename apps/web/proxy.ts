// Next.js 16 proxy (the former middleware.ts, which Next 16 deprecates; proxy runs on Node.js, so
// the limiter can use ioredis): rate limits page and route requests per client IP, and sets the
// per-request Content-Security-Policy with a fresh nonce (lib/security-headers.ts).
import { type NextRequest, NextResponse } from 'next/server';
import { rateLimitRequest } from './lib/rate-limit';
import { contentSecurityPolicy, newNonce } from './lib/security-headers';

export async function proxy(req: NextRequest) {
  const nonce = newNonce();
  const csp = contentSecurityPolicy(nonce);
  // Next.js reads the policy from the request to put the nonce on the scripts it renders.
  const headers = new Headers(req.headers);
  headers.set('x-nonce', nonce);
  headers.set('content-security-policy', csp);
  const res = await rateLimitRequest(req, undefined, undefined, () =>
    NextResponse.next({ request: { headers } }),
  );
  res.headers.set('content-security-policy', csp);
  return res;
}

export const config = {
  // Static assets are served from the build, cheaply: not counted.
  matcher: ['/((?!_next/static|_next/image|favicon.ico|robots.txt).*)'],
};
