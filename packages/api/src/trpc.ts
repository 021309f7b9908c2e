// tRPC initialisation: the error formatter, the timing/error middleware, and the base procedures
// (public, protected, admin, API key with scope). Procedures are thin: validate, authorise, call core.
import { initTRPC } from '@trpc/server';
import { metrics } from '@tonearm/observability';
import type { AppErrorData } from '@tonearm/validators';
import { AppError } from '@tonearm/validators';
import { ZodError, z } from 'zod';
import type { TRPCContext } from './context';
import { toAppError, toTRPCError } from './errors';

const isProduction = process.env.NODE_ENV === 'production';

const t = initTRPC.context<TRPCContext>().create({
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
      stack: isProduction ? undefined : shape.data.stack,
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

/** Times every call, counts errors by stable code, and normalises every failure to an AppError. */
const observed = t.middleware(async ({ path, type, next }) => {
  const end = metrics.trpcDuration.startTimer({ procedure: path, type });
  const result = await next();
  if (result.ok) {
    end({ code: 'OK' });
    return result;
  }
  const err = toTRPCError(result.error);
  end({ code: err.code });
  metrics.trpcErrors.inc({ procedure: path, code: err.code });
  throw err;
});

export const publicProcedure = t.procedure.use(observed);

export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  const userId = ctx.session?.userId ?? ctx.apiKey?.userId;
  if (!userId) throw AppError.unauthorized();
  return next({ ctx: { ...ctx, userId } });
});

/** A signed-in person (a session, not an API key): account settings, keys, the social graph. */
export const sessionProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.session) throw AppError.unauthorized();
  return next({ ctx: { ...ctx, userId: ctx.session.userId, session: ctx.session } });
});

export const adminProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.session) throw AppError.unauthorized();
  if (ctx.session.role !== 'admin') throw AppError.forbidden('Admins only');
  return next({ ctx: { ...ctx, userId: ctx.session.userId } });
});

/** Programmatic access: an API key carrying the scope (a signed-in person passes too). */
export const apiKeyProcedure = (scope: string) =>
  publicProcedure.use(({ ctx, next }) => {
    if (ctx.session) return next({ ctx: { ...ctx, userId: ctx.session.userId } });
    if (!ctx.apiKey) throw AppError.unauthorized('An API key or a session is required');
    if (!ctx.apiKey.scopes.includes(scope)) throw AppError.forbidden(`API key lacks scope "${scope}"`);
    return next({ ctx: { ...ctx, userId: ctx.apiKey.userId } });
  });
