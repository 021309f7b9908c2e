// tRPC initialisation: the error formatter, the timing/error middleware, and the base procedures
// (public, protected, admin, API key with scope). Procedures are thin: validate, authorise, call core.
import { isProduction } from '@tonearm/config';
import { metrics } from '@tonearm/observability';
import { rateLimitHeaders, subjectOf } from '@tonearm/ratelimit';
import { type ApiKeyScope, AppError, type AppErrorData } from '@tonearm/validators';
import { initTRPC } from '@trpc/server';
import { ZodError, z } from 'zod';
import type { TRPCContext } from './context';
import { toAppError, toTRPCError } from './errors';

const production = isProduction();

/** Who may call a procedure, set by the base procedures below; docs/API.md is generated from it. */
export interface ProcedureMeta {
  access: string;
}

const t = initTRPC
  .context<TRPCContext>()
  .meta<ProcedureMeta>()
  .create({
    errorFormatter({ shape, error, ctx }) {
      const app = toAppError(error);
      const zod =
        app.code !== 'BAD_REQUEST'
          ? null
          : error.cause instanceof ZodError
            ? error.cause
            : app.cause instanceof ZodError
              ? app.cause
              : null;
      const flat = zod ? z.flattenError(zod) : null;
      const data: AppErrorData & typeof shape.data = {
        ...shape.data,
        code: app.code,
        httpStatus: app.status,
        appCode: app.code,
        requestId: ctx?.requestId,
        ...(flat
          ? { fieldErrors: flat.fieldErrors as Record<string, string[]>, formErrors: flat.formErrors }
          : {}),
        ...(app.details ? { details: app.details } : {}),
        stack: production ? undefined : shape.data.stack,
      };
      return {
        ...shape,
        message: app.expose ? app.message : 'Internal server error',
        data,
      };
    },
  });

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;
export const middleware = t.middleware;

/**
 * Times every call, counts errors by stable code, logs one ECS line per successful call (procedure,
 * duration; request and user id come from the context's child logger) and normalises every failure
 * to an AppError, which the transport's onError logs exactly once.
 */
const observed = t.middleware(async ({ path, type, ctx, next }) => {
  const t0 = process.hrtime.bigint();
  const end = metrics.trpcDuration.startTimer({ procedure: path, type });
  const result = await next();
  const code = result.ok ? 'OK' : toTRPCError(result.error).code;
  end({ code });
  if (result.ok) {
    // Failures are logged once, with their cause, by the transport's onError (logTrpcError).
    const fields = {
      'trpc.procedure': path,
      'trpc.type': type,
      'event.duration': Number(process.hrtime.bigint() - t0),
      'event.outcome': 'success',
    };
    ctx.log.info(fields, `${path} ${code}`);
    return result;
  }
  metrics.trpcErrors.inc({ procedure: path, code });
  throw toTRPCError(result.error);
});

/**
 * Counts the call against its rate-limit scope (packages/ratelimit/src/scopes.ts): auth.* by IP,
 * otherwise by API key, user or IP. Sets RateLimit-* headers; over the limit → TOO_MANY_REQUESTS
 * with retryAfterSeconds in details and Retry-After; Redis down on a fail-closed scope → 503.
 */
const rateLimited = t.middleware(async ({ path, ctx, next }) => {
  const limiter = ctx.deps.rateLimiter;
  if (!limiter) return next();
  const subject = subjectOf({ ip: ctx.ip, userId: ctx.session?.userId ?? null, apiKey: ctx.apiKey }, path);
  const d = await limiter.check(subject.scope, subject.identifier, subject.limit);
  for (const [k, v] of Object.entries(rateLimitHeaders(d))) ctx.resHeaders.set(k, v);
  if (d.outcome === 'blocked') {
    throw new AppError('TOO_MANY_REQUESTS', {
      message: `Rate limit of ${d.limit} per ${d.windowSeconds} s exceeded; retry in ${d.retryAfterSeconds} s`,
      details: { retryAfterSeconds: d.retryAfterSeconds, scope: d.scope, limit: d.limit },
    });
  }
  if (d.outcome === 'unavailable') {
    throw new AppError('SERVICE_UNAVAILABLE', {
      message: 'Rate limiting is unavailable; try again shortly',
      details: { retryAfterSeconds: d.retryAfterSeconds },
    });
  }
  return next();
});

export const publicProcedure = t.procedure.meta({ access: 'public' }).use(observed).use(rateLimited);

/** A signed-in person (a session, not an API key): account settings, keys, the social graph. */
export const sessionProcedure = publicProcedure.meta({ access: 'session' }).use(({ ctx, next }) => {
  if (!ctx.session) throw AppError.unauthorized();
  return next({ ctx: { ...ctx, userId: ctx.session.userId, session: ctx.session } });
});

export const adminProcedure = publicProcedure.meta({ access: 'admin' }).use(({ ctx, next }) => {
  if (!ctx.session) throw AppError.unauthorized();
  if (ctx.session.role !== 'admin') throw AppError.forbidden('Admins only');
  return next({ ctx: { ...ctx, userId: ctx.session.userId } });
});

/**
 * A signed-in person, or an API key carrying the scope. There is deliberately no procedure that takes
 * any API key whatever its scopes: every procedure a key may call names the scope it needs.
 */
export const apiKeyProcedure = (scope: ApiKeyScope) =>
  publicProcedure.meta({ access: `session or key \`${scope}\`` }).use(({ ctx, next }) => {
    if (ctx.session) return next({ ctx: { ...ctx, userId: ctx.session.userId } });
    if (!ctx.apiKey) throw AppError.unauthorized('An API key or a session is required');
    if (!ctx.apiKey.scopes.includes(scope)) throw AppError.forbidden(`API key lacks scope "${scope}"`);
    return next({ ctx: { ...ctx, userId: ctx.apiKey.userId } });
  });
