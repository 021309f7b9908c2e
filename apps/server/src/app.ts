// The standalone server as a factory: createApplication(httpServer, deps) wires tRPC over HTTP
// (batching on), health endpoints and metrics onto a node:http server. Tests start it on port 0.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { appRouter, createTRPCContext, logTrpcError } from '@tonearm/api';
import type { ApiDeps } from '@tonearm/api';
import { mongoose } from '@tonearm/db';
import { registry } from '@tonearm/observability';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';

/** An extra HTTP route mounted under a path prefix (the dev media edge, the queue dashboard...). */
export type Route = {
  prefix: string;
  handle(req: IncomingMessage, res: ServerResponse): void | Promise<void>;
};

export type AppOptions = {
  /** Browser origins allowed to call the API with credentials (the web player). */
  corsOrigins?: string[];
  routes?: Route[];
};

export type Application = {
  handle(req: IncomingMessage, res: ServerResponse): void;
  close(): Promise<void>;
};

function headersOf(req: IncomingMessage): Headers {
  const h = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) h.append(k, x);
    else h.set(k, v);
  }
  return h;
}

/** Bigger than any valid input (the largest is a 500-id addSongs), small enough to refuse abuse. */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

export function createApplication(server: Server, deps: ApiDeps, opts: AppOptions = {}): Application {
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    allowBatching: true,
    // Large inputs (a long addSongs list) may arrive as a POSTed query; the body is bounded.
    allowMethodOverride: true,
    maxBodySize: MAX_BODY_BYTES,
    createContext: ({ req, res }) =>
      createTRPCContext({
        deps,
        headers: headersOf(req),
        resHeaders: new Headers(),
        ip: req.socket.remoteAddress ?? undefined,
        requestId: undefined,
      }).then((ctx) => {
        res.setHeader('x-request-id', ctx.requestId);
        return ctx;
      }),
    responseMeta: ({ ctx }) => ({ headers: ctx?.resHeaders ?? new Headers() }),
    onError: logTrpcError,
  });

  const cors = new Set(opts.corsOrigins ?? []);

  async function ready(): Promise<{ ok: boolean; checks: Record<string, string> }> {
    const checks: Record<string, string> = {};
    checks.mongodb = mongoose.connection.readyState === 1 ? 'ok' : 'down';
    try {
      await deps.redis.ping();
      checks.redis = 'ok';
    } catch {
      checks.redis = 'down';
    }
    return { ok: Object.values(checks).every((v) => v === 'ok'), checks };
  }

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const origin = req.headers.origin;
    if (origin && cors.has(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-allow-credentials', 'true');
      res.setHeader('vary', 'origin');
      if (req.method === 'OPTIONS') {
        res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
        res.setHeader(
          'access-control-allow-headers',
          req.headers['access-control-request-headers'] ?? 'content-type, x-api-key, trpc-accept',
        );
        res.setHeader('access-control-max-age', '600');
        res.writeHead(204).end();
        return;
      }
    }
    const url = req.url ?? '/';
    if (url.startsWith('/trpc/')) {
      trpc(req, res);
      return;
    }
    for (const route of opts.routes ?? []) {
      if (url.startsWith(route.prefix)) {
        void Promise.resolve(route.handle(req, res)).catch((err: unknown) => {
          deps.log.error({ err, 'url.path': url }, 'route failed');
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
          res.end('{"error":"internal"}');
        });
        return;
      }
    }
    if (url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (url === '/readyz') {
      void ready().then((r) => {
        res.writeHead(r.ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(r));
      });
      return;
    }
    if (url === '/metrics') {
      void registry.metrics().then((body) => {
        res.writeHead(200, { 'content-type': registry.contentType }).end(body);
      });
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
  };

  server.on('request', handle);
  return {
    handle,
    async close() {
      server.off('request', handle);
    },
  };
}
