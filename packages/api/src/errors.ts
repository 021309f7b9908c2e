// The one error path: whatever a procedure throws becomes an AppError here, and then a TRPCError
// with the same code. Procedures never catch to translate; they throw AppError or let errors bubble.

import { AppError, type AppErrorCode } from '@tonearm/validators';
import { TRPCError } from '@trpc/server';
import { ZodError } from 'zod';

const TRPC_TO_APP: Partial<Record<TRPCError['code'], AppErrorCode>> = {
  PARSE_ERROR: 'BAD_REQUEST',
  BAD_REQUEST: 'BAD_REQUEST',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  METHOD_NOT_SUPPORTED: 'BAD_REQUEST',
  CONFLICT: 'CONFLICT',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNPROCESSABLE_CONTENT: 'UNPROCESSABLE_CONTENT',
  TOO_MANY_REQUESTS: 'TOO_MANY_REQUESTS',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
};

const MONGO_UNAVAILABLE = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongooseServerSelectionError',
]);

/** Connection-level failures of any backing service (S3 behind the media edge, SMTP...). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);

/**
 * ioredis with the offline queue off (createRedis) fails fast with these when Redis is away; the
 * last ones are a Redis Cluster's during a failover or while no node answers.
 */
const REDIS_UNAVAILABLE =
  /ECONNREFUSED|Connection is closed|Stream isn't writeable|Command timed out|Too many Cluster redirections|Cluster isn't ready|Failed to refresh slots cache|CLUSTERDOWN|TRYAGAIN/;

/**
 * A backing service that is away: MongoDB or Redis unreachable, a connection-level failure, or a 5xx
 * from S3 (the AWS SDK puts the status on `$metadata`), here or anywhere down the `cause` chain.
 */
function isDependencyDown(e: Error & { code?: unknown }): boolean {
  const err = e as Error & { code?: unknown; $metadata?: { httpStatusCode?: number }; cause?: unknown };
  if (MONGO_UNAVAILABLE.has(err.name) || err.name === 'MaxRetriesPerRequestError') return true;
  if (REDIS_UNAVAILABLE.test(err.message) || err.name === 'TimeoutError') return true;
  if (typeof err.code === 'string' && NETWORK_CODES.has(err.code)) return true;
  if ((err.$metadata?.httpStatusCode ?? 0) >= 500) return true;
  return err.cause instanceof Error && err.cause !== e && isDependencyDown(err.cause);
}

/** Maps anything thrown to an AppError; unknown errors become INTERNAL_SERVER_ERROR (not exposed). */
export function toAppError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  if (e instanceof TRPCError) {
    if (e.cause instanceof AppError) return e.cause;
    if (e.cause instanceof ZodError) {
      // Input validation is the client's fault; output validation ("Output validation failed",
      // INTERNAL_SERVER_ERROR) is ours and must not leak the schema's complaints.
      if (e.code === 'BAD_REQUEST')
        return new AppError('BAD_REQUEST', { message: 'Invalid input', cause: e.cause });
      return new AppError('INTERNAL_SERVER_ERROR', { cause: e, expose: false });
    }
    if (e.cause && !(e.code === 'INTERNAL_SERVER_ERROR' && e.cause === undefined)) {
      const inner = toAppError(e.cause);
      if (e.code === 'INTERNAL_SERVER_ERROR' || inner.code !== 'INTERNAL_SERVER_ERROR') return inner;
    }
    const code = TRPC_TO_APP[e.code];
    if (code) return new AppError(code, { message: e.message, cause: e });
    return new AppError('INTERNAL_SERVER_ERROR', { cause: e, expose: false });
  }
  if (e instanceof ZodError) return new AppError('BAD_REQUEST', { message: 'Invalid input', cause: e });
  if (e instanceof Error) {
    const err = e as Error & { code?: unknown; keyPattern?: Record<string, unknown>; errors?: unknown };
    if (err.code === 11000 || /E11000 duplicate key/.test(err.message)) {
      const index = /index: (\S+)/.exec(err.message)?.[1];
      const field = err.keyPattern ? Object.keys(err.keyPattern)[0] : index?.replace(/_-?1(_|$).*$/, '');
      return new AppError('CONFLICT', {
        message: field ? `${field} is already taken` : 'Already exists',
        cause: e,
        details: field ? { field } : undefined,
      });
    }
    if (err.name === 'ValidationError' || err.name === 'CastError' || err.name === 'StrictModeError') {
      return new AppError('BAD_REQUEST', { message: err.message, cause: e });
    }
    if (isDependencyDown(err)) {
      return new AppError('SERVICE_UNAVAILABLE', { message: 'A backing service is unavailable', cause: e });
    }
  }
  return new AppError('INTERNAL_SERVER_ERROR', { cause: e, expose: false });
}

export function toTRPCError(e: unknown): TRPCError {
  const app = toAppError(e);
  return new TRPCError({ code: app.code, message: app.message, cause: app });
}
