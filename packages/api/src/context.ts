// Request context shared by every transport (standalone HTTP, Next.js route handler, RSC caller).
import { randomUUID } from 'node:crypto';
import type { CoreDeps } from '@tonearm/core';
import type { Logger } from '@tonearm/observability';

export type SessionUser = { userId: string; role: 'user' | 'admin'; sessionId: string };
export type ApiKeyPrincipal = { keyId: string; userId: string; scopes: string[]; rateLimitPerMinute: number };

export type ApiDeps = CoreDeps & {
  /** Resolves the caller from request headers (session cookie, API key). Set by the auth module. */
  authenticate?: (
    headers: Headers,
  ) => Promise<{ session: SessionUser | null; apiKey: ApiKeyPrincipal | null }>;
};

export type TRPCContext = {
  requestId: string;
  log: Logger;
  deps: ApiDeps;
  session: SessionUser | null;
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
  const auth = opts.deps.authenticate
    ? await opts.deps.authenticate(opts.headers)
    : { session: null, apiKey: null };
  const userId = auth.session?.userId ?? auth.apiKey?.userId;
  return {
    requestId,
    log: opts.deps.log.child({ 'http.request.id': requestId, ...(userId ? { 'user.id': userId } : {}) }),
    deps: opts.deps,
    session: auth.session,
    apiKey: auth.apiKey,
    ip: opts.ip ?? opts.headers.get('x-forwarded-for')?.split(',')[0]?.trim() ?? '127.0.0.1',
    headers: opts.headers,
    resHeaders: opts.resHeaders ?? new Headers(),
  };
}
