// The standalone server as a factory: createApplication(httpServer, deps) wires tRPC over HTTP
// (batching on), health endpoints and metrics onto a node:http server. Tests start it on port 0.
// Size: About 315 lines: the HTTP routing table of the server process (tRPC, GET fast path, health,
// metrics, Subsonic, covers, edge) and its error handling.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { ApiDeps } from '@tonearm/api';
import { appRouter, createTRPCContext, logTrpcError, toAppError } from '@tonearm/api';
import { mongoose } from '@tonearm/db';
import { metrics, registry } from '@tonearm/observability';
import { clientAddress, type TrustProxy } from '@tonearm/ratelimit';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { createFastQueryHandler } from './fast-query';

/** An extra HTTP route mounted under a path prefix (the dev media edge, the queue dashboard...). */
export type Route = {
  prefix: string;
  handle(req: IncomingMessage, res: ServerResponse): void | Promise<void>;
};

export type AppOptions = {
  /** Browser origins allowed to call the API with credentials (the web player). */
  corsOrigins?: string[];
  routes?: Route[];
  /** Extra /readyz checks beyond MongoDB and Redis (S3...): each resolves when its service answers. */
  readinessChecks?: Record<string, () => Promise<unknown>>;
  /** The proxies in front (TRUST_PROXY): X-Forwarded-For is read only past them. Default: none. */
  trustProxy?: TrustProxy;
};

export type Application = {
  handle(req: IncomingMessage, res: ServerResponse): void;
  /**
   * Starts draining: /readyz answers 503 so the load balancer stops routing here, and every response
   * from now on carries "Connection: close" so keep-alive clients move to another instance.
   */
  beginDrain(): void;
  /** Resolves once no request is in flight (or after timeoutMs; false then). */
  idle(timeoutMs: number): Promise<boolean>;
  inFlight(): number;
  /** Requests read from a connection, and responses finished in full, since start. */
  counts(): { received: number; answered: number };
  /**
   * Stops accepting connections without touching open ones (http.Server#close would also drop idle
   * keep-alive sockets at once, racing a request a client is sending on one). Resolves when every
   * connection has ended.
   */
  stopAccepting(): Promise<void>;
  /** Ends connections that carry no request; call once in-flight requests have drained. */
  closeIdleConnections(): void;
  close(): Promise<void>;
};

const READY_CHECK_TIMEOUT_MS = 2_000;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timed out')), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function routeGroup(url: string): string {
  if (url.startsWith('/trpc/')) return 'trpc';
  if (url === '/healthz' || url === '/readyz' || url === '/metrics') return url.slice(1);
  return 'other';
}

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
/**
 * Most calls one batched request may carry (the player's batch link sends at most this many). Each
 * call still counts against its own rate-limit scope; the cap bounds the work one request can start.
 */
export const MAX_BATCH_SIZE = 16;

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * CSRF (docs/SECURITY.md): a state-changing request that carries a cookie must not come from another
 * site's page. Browsers send Origin with every cross-origin request and every POST; one that is not
 * an allowed origin is refused (403), and so is a request fetch metadata marks cross-site. tRPC POSTs
 * must be application/json (a type no form and no no-cors fetch can send, so a foreign page needs a
 * CORS preflight, which only allowed origins pass); anything else is 415, never a 500.
 */
function requestRefusal(
  req: IncomingMessage,
  allowed: Set<string>,
): { status: number; code: string; message: string } | null {
  if (!STATE_CHANGING.has(req.method ?? 'GET')) return null;
  const url = req.url ?? '/';
  if (url.startsWith('/trpc/')) {
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const hasBody =
      Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (type !== 'application/json' && (hasBody || type !== ''))
      return {
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: 'API requests with a body must be sent as application/json',
      };
  }
  if (!req.headers.cookie) return null;
  const origin = req.headers.origin;
  // The server's own pages (the queue dashboard) are same-origin.
  const own = req.headers.host ? [`http://${req.headers.host}`, `https://${req.headers.host}`] : [];
  if (origin !== undefined && !allowed.has(origin) && !own.includes(origin))
    return { status: 403, code: 'FORBIDDEN', message: `Origin ${origin} may not make this request` };
  const site = req.headers['sec-fetch-site'];
  if (origin === undefined && (site === 'cross-site' || site === 'same-site'))
    return { status: 403, code: 'FORBIDDEN', message: 'Cross-site requests may not make this request' };
  return null;
}

export function createApplication(server: Server, deps: ApiDeps, opts: AppOptions = {}): Application {
  const createContext = (req: IncomingMessage, res: ServerResponse) =>
    createTRPCContext({
      deps,
      headers: headersOf(req),
      resHeaders: new Headers(),
      ip: clientIp(req),
      requestId: undefined,
    }).then((ctx) => {
      res.setHeader('x-request-id', ctx.requestId);
      return ctx;
    });
  // When the context could not be built, the error is still logged once, with the client's request id.
  const onError = (o: Parameters<typeof logTrpcError>[0] & { req: IncomingMessage }) => {
    const id = o.req.headers['x-request-id'];
    logTrpcError(o, deps.log.child({ 'http.request.id': typeof id === 'string' ? id : 'unknown' }));
  };
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    allowBatching: true,
    maxBatchSize: MAX_BATCH_SIZE,
    // Large inputs (a long addSongs list) may arrive as a POSTed query; the body is bounded.
    allowMethodOverride: true,
    maxBodySize: MAX_BODY_BYTES,
    createContext: ({ req, res }) => createContext(req, res),
    responseMeta: ({ ctx }) => ({ headers: ctx?.resHeaders ?? new Headers() }),
    onError,
  });
  const fastQuery = createFastQueryHandler({
    router: appRouter,
    basePath: '/trpc/',
    createContext,
    onError,
    maxBatchSize: MAX_BATCH_SIZE,
    responseHeaders: (ctx) => ctx?.resHeaders,
  });

  const trust = opts.trustProxy ?? { hops: 0 };
  function clientIp(req: IncomingMessage): string {
    // No address (the socket is already gone): a bucket of its own, never one shared by everyone.
    return (
      clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], trust) ??
      `unknown-${randomUUID()}`
    );
  }

  const cors = new Set(opts.corsOrigins ?? []);
  let draining = false;
  let inFlight = 0;
  let received = 0;
  let answered = 0;
  let idleWaiters: Array<() => void> = [];

  async function ready(): Promise<{ ok: boolean; checks: Record<string, string> }> {
    const checks: Record<string, string> = {};
    if (draining) checks.process = 'draining';
    checks.mongodb = mongoose.connection.readyState === 1 ? 'ok' : 'down';
    const extra = { redis: () => deps.redis.ping(), ...opts.readinessChecks };
    await Promise.all(
      Object.entries(extra).map(async ([name, check]) => {
        try {
          await withTimeout(check(), READY_CHECK_TIMEOUT_MS);
          checks[name] = 'ok';
        } catch {
          checks[name] = 'down';
        }
      }),
    );
    return { ok: Object.values(checks).every((v) => v === 'ok'), checks };
  }

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    inFlight++;
    received++;
    metrics.httpInFlight.inc();
    res.once('finish', () => {
      answered++;
    });
    if (draining) res.setHeader('connection', 'close');
    res.once('close', () => {
      inFlight--;
      metrics.httpInFlight.dec();
      metrics.httpRequests.inc({ route: routeGroup(req.url ?? '/'), status: String(res.statusCode) });
      if (inFlight === 0 && idleWaiters.length) {
        for (const w of idleWaiters) w();
        idleWaiters = [];
      }
    });
    serve(req, res);
  };

  const serve = (req: IncomingMessage, res: ServerResponse) => {
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
    const refused = requestRefusal(req, cors);
    if (refused) {
      req.resume();
      res
        .writeHead(refused.status, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { code: refused.code, message: refused.message } }));
      return;
    }
    const url = req.url ?? '/';
    if (url.startsWith('/trpc/')) {
      if (!fastQuery(req, res)) trpc(req, res);
      return;
    }
    for (const route of opts.routes ?? []) {
      if (url.startsWith(route.prefix)) {
        void Promise.resolve(route.handle(req, res)).catch((err: unknown) => {
          // Routes take the one error path too: a backing service that is down (S3 behind the media
          // edge) is a 503 the client may retry, not a 500 (found by `pnpm drill s3`).
          const down = toAppError(err).code === 'SERVICE_UNAVAILABLE';
          deps.log[down ? 'warn' : 'error']({ err, 'url.path': url }, 'route failed');
          if (!res.headersSent)
            res.writeHead(down ? 503 : 500, {
              'content-type': 'application/json',
              ...(down ? { 'retry-after': '5' } : {}),
            });
          res.end(down ? '{"error":"unavailable"}' : '{"error":"internal"}');
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
    stopAccepting() {
      return new Promise<void>((resolve) => {
        // net.Server#close: stop listening only; the HTTP override would also close idle sockets.
        Object.getPrototypeOf(Object.getPrototypeOf(server)).close.call(server, () => resolve());
      });
    },
    closeIdleConnections() {
      server.closeIdleConnections();
    },
    handle,
    beginDrain() {
      draining = true;
    },
    inFlight: () => inFlight,
    counts: () => ({ received, answered }),
    idle(timeoutMs) {
      if (inFlight === 0) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        idleWaiters.push(() => {
          clearTimeout(timer);
          resolve(true);
        });
      });
    },
    async close() {
      server.off('request', handle);
    },
  };
}
