// The same router as the standalone server, served by Next.js at /api/trpc (fetch adapter, same
// createTRPCContext, same error logging), so the player can run without a separate API process.
import { appRouter, createTRPCContext, logTrpcError } from '@tonearm/api';
import { getApiDeps } from '@tonearm/api/deps';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const MAX_BODY_BYTES = 2 * 1024 * 1024;

async function handler(req: Request): Promise<Response> {
  const length = Number(req.headers.get('content-length') ?? 0);
  if (length > MAX_BODY_BYTES) return Response.json({ error: 'payload too large' }, { status: 413 });
  const deps = await getApiDeps();
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    allowBatching: true,
    allowMethodOverride: true,
    createContext: ({ resHeaders }) =>
      createTRPCContext({
        deps,
        headers: req.headers,
        resHeaders,
        ip: req.headers.get('x-forwarded-for')?.split(',')[0]?.trim(),
      }),
    responseMeta: ({ ctx }) => ({ headers: new Headers({ 'x-request-id': ctx?.requestId ?? '' }) }),
    onError: (o) => logTrpcError(o, deps.log),
  });
}

export { handler as GET, handler as POST };
