// tRPC for React Server Components: calls procedures in-process (no HTTP), with the same context
// (session cookie, API key, request id) as the HTTP transports. Server-only: never import it from a
// 'use client' module.
import { createCaller, createTRPCContext } from '@tonearm/api';
import { getApiDeps } from '@tonearm/api/deps';
import { headers } from 'next/headers';
import { cache } from 'react';

/** A caller acting for whoever sent `requestHeaders` (tests and route handlers pass their own). */
export async function createServerCaller(requestHeaders: Headers) {
  const ctx = await createTRPCContext({ deps: await getApiDeps(), headers: requestHeaders });
  return createCaller(ctx);
}

/** The caller of the current request, built once per render. */
export const serverCaller = cache(async () => createServerCaller(new Headers(await headers())));
