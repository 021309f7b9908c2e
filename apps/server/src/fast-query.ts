// Fast path for the hottest request shape: queries over GET (single or batched, not streamed). It calls
// the same procedure with the same context, error formatter and onError as tRPC's adapter, but writes
// the JSON straight to the socket instead of building fetch Request/Response objects, abort signals
// and a WritableStream per request — on a cached read that plumbing cost more than the procedure.
// Anything else (mutations, mixed batches, POSTed queries, unparsable input) returns false and goes to
// tRPC's own handler, which stays the reference behaviour. The hostile-input and error tests run
// through both paths.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AnyProcedure, AnyRouter } from '@trpc/server';
import { getHTTPStatusCode } from '@trpc/server/http';
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
    req: IncomingMessage;
  }): void;
  /** Larger batches go to tRPC's handler, which refuses them. */
  maxBatchSize: number;
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

  async function run(
    req: IncomingMessage,
    path: string,
    proc: AnyProcedure,
    input: unknown,
    made: { ctx?: TCtx; error?: unknown },
    index: number,
  ) {
    const ctx = made.ctx;
    try {
      // A context that could not be built fails every call with its error, as in tRPC's handler.
      if (ctx === undefined) throw made.error;
      const data = await proc({
        ctx,
        path,
        type: 'query',
        getRawInput: async () => input,
        signal: undefined,
        batchIndex: index,
      });
      return transformTRPCResponse(config, { result: { data } });
    } catch (cause) {
      const error = getTRPCErrorFromUnknown(cause);
      opts.onError({ error, path, input, ctx, type: 'query', req });
      const shape = getErrorShape({ config, error, type: 'query', path, input, ctx });
      return transformTRPCResponse(config, { error: shape });
    }
  }
  /** Handles the request and returns true, or returns false without touching it. */
  return function tryHandle(req: IncomingMessage, res: ServerResponse): boolean {
    const url = req.url ?? '';
    if (req.method !== 'GET' || !url.startsWith(opts.basePath)) return false;
    if (req.headers['trpc-accept'] || req.headers.accept === 'text/event-stream') return false;
    const q = url.indexOf('?');
    let paths: string[];
    try {
      paths = decodeURIComponent(url.slice(opts.basePath.length, q < 0 ? undefined : q)).split(',');
    } catch {
      return false;
    }
    const params = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
    const isBatch = params.get('batch') === '1';
    if (params.has('batch') && !isBatch) return false;
    if (!isBatch && paths.length !== 1) return false;
    if (paths.length > opts.maxBatchSize) return false;
    const procs: AnyProcedure[] = [];
    for (const path of paths) {
      const proc = Object.hasOwn(procedures, path) ? procedures[path] : undefined;
      if (proc?._def.type !== 'query') return false;
      procs.push(proc);
    }
    const rawParam = params.get('input');
    let input: unknown;
    if (rawParam !== null) {
      try {
        input = JSON.parse(rawParam);
      } catch {
        return false;
      }
    }
    if (isBatch && input !== undefined && (typeof input !== 'object' || input === null)) return false;
    const inputs = paths.map((_, i) =>
      isBatch ? (input as Record<string, unknown> | undefined)?.[String(i)] : input,
    );

    void (async () => {
      const made: { ctx?: TCtx; error?: unknown } = {};
      try {
        made.ctx = await opts.createContext(req, res);
      } catch (cause) {
        made.error = cause;
      }
      const results = await Promise.all(paths.map((p, i) => run(req, p, procs[i]!, inputs[i], made, i)));
      const status = getHTTPStatusCode(results as Parameters<typeof getHTTPStatusCode>[0]);
      send(res, status, isBatch ? results : results[0], made.ctx);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"Internal server error"}}');
    });
    return true;
  };
}
