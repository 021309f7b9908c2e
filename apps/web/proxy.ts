// Next.js 16 proxy (the former middleware.ts, which Next 16 deprecates; proxy runs on Node.js, so
// the limiter can use ioredis): rate limits page and route requests per client IP.
import type { NextRequest } from 'next/server';
import { rateLimitRequest } from './lib/rate-limit';

export function proxy(req: NextRequest) {
  return rateLimitRequest(req);
}

export const config = {
  // Static assets are served from the build, cheaply: not counted.
  matcher: ['/((?!_next/static|_next/image|favicon.ico|robots.txt).*)'],
};
