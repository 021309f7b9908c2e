// /rest/* — the OpenSubsonic API (version 1.16.1) on the standalone server. Parses GET query and POST
// form parameters, authenticates (apiKey extension, or u + t/s token or p against the user's app
// password), counts the call against the same rate-limit scopes as tRPC, dispatches to core's
// subsonic services and answers in the Subsonic envelope (XML by default, JSON with f=json).
// Unknown or unimplemented endpoints answer Subsonic error 0 "not implemented", never a 500.
// The endpoints are endpoints.ts (the table) and media-endpoints.ts; their shapes are context.ts.
import type { IncomingMessage } from 'node:http';
import type { ApiDeps } from '@tonearm/api';
import { toAppError } from '@tonearm/api';
import { findApiKey, subsonic } from '@tonearm/core';
import { User } from '@tonearm/db';
import { clientAddress, rateLimitHeaders, subjectOf, type TrustProxy } from '@tonearm/ratelimit';
import type { Route } from '../app';
import { type Caller, type Params, paramsOf, readForm, SUBSONIC_PREFIX } from './context';
import { ENDPOINTS, notImplemented } from './endpoints';
import { API_VERSION, ErrorCode, type Format, fail, ok, SubsonicError } from './envelope';

type Auth = { caller: Caller } | { error: SubsonicError };

async function authenticate(p: Params): Promise<Auth> {
  const apiKey = p.get('apiKey');
  const u = p.get('u');
  if (apiKey !== undefined) {
    if (u !== undefined)
      return {
        error: new SubsonicError(
          ErrorCode.CONFLICTING_AUTH,
          'Multiple conflicting authentication mechanisms provided',
        ),
      };
    const key = await findApiKey(apiKey);
    if (!key) return { error: new SubsonicError(ErrorCode.INVALID_API_KEY, 'Invalid API key') };
    const user = await User.findById(key.userId, { handle: 1, email: 1, role: 1 }).lean();
    if (!user) return { error: new SubsonicError(ErrorCode.INVALID_API_KEY, 'Invalid API key') };
    return {
      caller: {
        userId: key.userId,
        handle: user.handle,
        email: user.email,
        role: (user.role ?? 'user') as 'user',
        apiKeyScopes: key.scopes,
        keyId: key.keyId,
        rateLimitPerMinute: key.rateLimitPerMinute,
      },
    };
  }
  if (u === undefined)
    return {
      error: new SubsonicError(ErrorCode.MISSING_PARAM, 'Required parameter is missing: u (or apiKey)'),
    };
  const t = p.get('t');
  const s = p.get('s');
  const pw = p.get('p');
  if ((t === undefined || s === undefined) && pw === undefined)
    return {
      error: new SubsonicError(ErrorCode.MISSING_PARAM, 'Required parameter is missing: t and s, or p'),
    };
  const who = await subsonic.verifyAppPassword({
    u,
    t,
    s,
    p: t !== undefined && s !== undefined ? undefined : pw,
  });
  if (!who) return { error: new SubsonicError(ErrorCode.WRONG_CREDENTIALS, 'Wrong username or password') };
  return { caller: { ...who, apiKeyScopes: null, keyId: null } };
}

/** The client address behind trusted proxies only (packages/ratelimit client-ip; docs/SECURITY.md). */
function clientIp(req: IncomingMessage, trust: TrustProxy): string {
  // No trustworthy address: a key of its own, never one shared bucket for everyone.
  return (
    clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], trust) ??
    `unknown:${req.socket.remotePort ?? Math.random()}`
  );
}

function toSubsonic(err: unknown): { error: SubsonicError; unexpected: boolean } {
  if (err instanceof SubsonicError) return { error: err, unexpected: false };
  const app = toAppError(err);
  const code =
    app.code === 'NOT_FOUND'
      ? ErrorCode.NOT_FOUND
      : app.code === 'FORBIDDEN' || app.code === 'UNAUTHORIZED'
        ? ErrorCode.NOT_AUTHORIZED
        : ErrorCode.GENERIC;
  const unexpected = app.code === 'INTERNAL_SERVER_ERROR';
  return { error: new SubsonicError(code, unexpected ? 'Internal error' : app.message), unexpected };
}

export function subsonicRoute(deps: ApiDeps, opts: { trustProxy?: TrustProxy } = {}): Route {
  return {
    prefix: SUBSONIC_PREFIX,
    async handle(req, res) {
      const url = new URL(req.url ?? '/', 'http://x');
      const name = decodeURIComponent(url.pathname.slice(SUBSONIC_PREFIX.length)).replace(/\.view$/, '');
      let f: Format = 'xml';
      let cb: string | undefined;
      try {
        const form = await readForm(req, res);
        const q = new URLSearchParams(url.search);
        for (const [k, v] of new URLSearchParams(form)) q.append(k, v);
        const p = paramsOf(q);
        const fmt = p.get('f');
        f = fmt === 'json' ? 'json' : fmt === 'jsonp' ? 'jsonp' : 'xml';
        cb = p.get('callback');
        if (req.method !== 'GET' && req.method !== 'POST' && req.method !== 'HEAD') {
          fail(res, f, ErrorCode.GENERIC, `Method ${req.method} is not allowed`, cb);
          return;
        }
        const ip = clientIp(req, opts.trustProxy ?? { hops: 0 });
        const auth = await authenticate(p);
        const limiter = deps.rateLimiter;
        const subject =
          'caller' in auth
            ? subjectOf({
                ip,
                userId: auth.caller.userId,
                apiKey: auth.caller.keyId
                  ? { keyId: auth.caller.keyId, rateLimitPerMinute: auth.caller.rateLimitPerMinute ?? 600 }
                  : null,
              })
            : // Failed credentials count against the sign-in scope by IP, as auth.* calls do.
              { scope: 'auth' as const, identifier: ip, limit: undefined };
        if (limiter) {
          const d = await limiter.check(subject.scope, subject.identifier, subject.limit);
          for (const [k, v] of Object.entries(rateLimitHeaders(d))) res.setHeader(k, v);
          if (d.outcome === 'blocked' || d.outcome === 'unavailable') {
            res.setHeader('retry-after', String(d.retryAfterSeconds));
            fail(
              res,
              f,
              ErrorCode.GENERIC,
              d.outcome === 'blocked'
                ? `Rate limit exceeded; retry in ${d.retryAfterSeconds} s`
                : 'Rate limiting is unavailable; try again shortly',
              cb,
            );
            return;
          }
        }
        if ('error' in auth) {
          fail(res, f, auth.error.code, auth.error.message, cb);
          return;
        }
        const ep = Object.hasOwn(ENDPOINTS, name)
          ? ENDPOINTS[name]
          : notImplemented(name.replace(/[^\w.]/g, '').slice(0, 64) || 'This endpoint');
        if (!ep) return;
        if (ep.scope && auth.caller.apiKeyScopes && !auth.caller.apiKeyScopes.includes(ep.scope)) {
          fail(res, f, ErrorCode.NOT_AUTHORIZED, `API key lacks scope "${ep.scope}"`, cb);
          return;
        }
        const out = await ep.run({ deps, req, res, p, f, cb, caller: auth.caller });
        if (out !== 'sent') ok(res, f, out, cb);
      } catch (err) {
        const { error, unexpected } = toSubsonic(err);
        if (unexpected) deps.log.error({ err, 'url.path': url.pathname }, 'subsonic call failed');
        if (res.headersSent) res.destroy();
        else fail(res, f, error.code, error.message, cb);
      }
    },
  };
}

export { API_VERSION };
