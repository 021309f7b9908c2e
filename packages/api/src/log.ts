// Every error is logged once, here, with its request id: hosts pass this as the adapter's onError.

import type { Logger } from '@tonearm/observability';
import type { TRPCError } from '@trpc/server';
import type { TRPCContext } from './context';
import { toAppError } from './errors';

export function logTrpcError(
  opts: { error: TRPCError; path?: string | undefined; ctx?: TRPCContext | undefined },
  /** Used when the context itself could not be built (e.g. Redis down while reading the session). */
  fallback?: Logger,
) {
  const app = toAppError(opts.error);
  const log = opts.ctx?.log ?? fallback;
  if (!log) return;
  const fields = {
    'error.code': app.code,
    'trpc.procedure': opts.path,
    'http.response.status_code': app.status,
    'event.outcome': 'failure',
  };
  if (app.status >= 500) log.error({ ...fields, err: app.cause ?? app }, app.message);
  else log.info(fields, `request failed: ${app.message}`);
}
