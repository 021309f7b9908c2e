// Request context shared by every transport (standalone HTTP, Next.js route handler, RSC caller).
import { randomUUID } from 'node:crypto';
import {
  type ApiKeyPrincipal,
  authenticateHeaders,
  type CoreDeps,
  type SessionPrincipal,
} from '@tonearm/core';
import type { Logger } from '@tonearm/observability';
import type { RateLimiter } from '@tonearm/ratelimit';

export type { ApiKeyPrincipal, SessionPrincipal };

/** Everything a request needs; each host (server, Next.js route, RSC caller, tests) builds one. */
export type ApiDeps = CoreDeps & {
  /** Absent in hosts that do not limit (in-process callers, unit tests). */
  rateLimiter?: RateLimiter;
};

export type TRPCContext = {
  requestId: string;
  log: Logger;
  deps: ApiDeps;
  session: SessionPrincipal | null;
  apiKey: ApiKeyPrincipal | null;
  ip: string;
  headers: Headers;
  /** Headers to add to the response (Set-Cookie, RateLimit-*). */
  resHeaders: Headers;
};

export type CreateContextOptions = {
  deps: ApiDeps;
  headers: Headers;
  resHeaders?: Headers;
  ip?: string;
  requestId?: string;
};

/** Pure context construction: tests call it with their own deps and headers. */
export async function createTRPCContext(opts: CreateContextOptions): Promise<TRPCContext> {
  const requestId = opts.requestId ?? opts.headers.get('x-request-id') ?? randomUUID();
  const auth = await authenticateHeaders(opts.deps.redis, opts.headers);
  const userId = auth.session?.userId ?? auth.apiKey?.userId;
  return {
    requestId,
    log: opts.deps.log.child({ 'http.request.id': requestId, ...(userId ? { 'user.id': userId } : {}) }),
    deps: opts.deps,
    session: auth.session,
    apiKey: auth.apiKey,
    // The host resolves the client IP (behind trusted proxies only); headers are never trusted here.
    ip: opts.ip ?? 'in-process',
    headers: opts.headers,
    resHeaders: opts.resHeaders ?? new Headers(),
  };
}
