// Fast path for the hottest request shape: ONE query over GET (not batched, not streamed). It calls
// the same procedure with the same context, error formatter and onError as tRPC's adapter, but writes
// the JSON straight to the socket instead of building fetch Request/Response objects, abort signals
// and a WritableStream per request — on a cached read that plumbing cost more than the procedure.
// Anything else (batches, mutations, POSTed queries, unparsable input) returns false and goes to
// tRPC's own handler, which stays the reference behaviour. The hostile-input and error tests run
// through both paths.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AnyProcedure, AnyRouter } from '@trpc/server';
import {
  getErrorShape,
  getTRPCErrorFromUnknown,
  type TRPCError,
  transformTRPCResponse,
} from '@trpc/server/unstable-core-do-not-import';

export type FastQueryOptions<TCtx> = {
  router: AnyRouter;
  /** e.g. "/trpc/" */
  basePath: string;
  createContext(req: IncomingMessage, res: ServerResponse): Promise<TCtx>;
  onError(opts: {
    error: TRPCError;
    path: string;
    input: unknown;
    ctx: TCtx | undefined;
    type: 'query';
  }): void;
  /** Extra response headers (Set-Cookie…) once the procedure ran. */
  responseHeaders(ctx: TCtx | undefined): Headers | undefined;
};

export function createFastQueryHandler<TCtx>(opts: FastQueryOptions<TCtx>) {
  const procedures = opts.router._def.procedures as Record<string, AnyProcedure | undefined>;
  const config = opts.router._def._config;

  function send(res: ServerResponse, status: number, body: unknown, ctx: TCtx | undefined) {
    res.statusCode = status;
    res.setHeader('content-type', 'application/json');
    res.setHeader('vary', 'trpc-accept, accept');
    const extra = opts.responseHeaders(ctx);
    if (extra) {
      for (const [k, v] of extra) if (k !== 'set-cookie') res.setHeader(k, v);
      const cookies = extra.getSetCookie();
      if (cookies.length) res.setHeader('set-cookie', cookies);
    }
    res.end(JSON.stringify(body));
  }

  /** Handles the request and returns true, or returns false without touching it. */
  return function tryHandle(req: IncomingMessage, res: ServerResponse): boolean {
    const url = req.url ?? '';
    if (req.method !== 'GET' || !url.startsWith(opts.basePath)) return false;
    if (req.headers['trpc-accept'] || req.headers.accept === 'text/event-stream') return false;
    const q = url.indexOf('?');
    let path: string;
    try {
      path = decodeURIComponent(url.slice(opts.basePath.length, q < 0 ? undefined : q));
    } catch {
      return false;
    }
    const proc = Object.hasOwn(procedures, path) ? procedures[path] : undefined;
    if (!proc || proc._def.type !== 'query') return false;
    const params = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
    if (params.has('batch')) return false;
    const rawParam = params.get('input');
    let input: unknown;
    if (rawParam !== null) {
      try {
        input = JSON.parse(rawParam);
      } catch {
        return false;
      }
    }

    let ctx: TCtx | undefined;
    void (async () => {
      try {
        ctx = await opts.createContext(req, res);
        const data = await proc({
          ctx,
          path,
          type: 'query',
          getRawInput: async () => input,
          signal: undefined,
          batchIndex: 0,
        });
        send(res, 200, transformTRPCResponse(config, { result: { data } }), ctx);
      } catch (cause) {
        const error = getTRPCErrorFromUnknown(cause);
        opts.onError({ error, path, input, ctx, type: 'query' });
        const shape = getErrorShape({ config, error, type: 'query', path, input, ctx });
        const status = (shape.data as { httpStatus?: unknown }).httpStatus;
        send(
          res,
          typeof status === 'number' ? status : 500,
          transformTRPCResponse(config, { error: shape }),
          ctx,
        );
      }
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"Internal server error"}}');
    });
    return true;
  };
}
