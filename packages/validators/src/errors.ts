// The one error model of Tonearm. Client-safe (no Node imports): the web player parses it too.
// Add a code here, with a line on when it is thrown, before throwing anything new.

export const AppErrorCode = {
  /** Input failed validation (Zod) or violates a schema rule in the database. */
  BAD_REQUEST: 'BAD_REQUEST',
  /** No valid session or API key. */
  UNAUTHORIZED: 'UNAUTHORIZED',
  /** Authenticated, but not allowed: someone else's playlist, missing scope, not an admin. */
  FORBIDDEN: 'FORBIDDEN',
  /** The entity does not exist, or the caller may not know it exists. */
  NOT_FOUND: 'NOT_FOUND',
  /** A unique constraint: the email is taken, the song is already liked. */
  CONFLICT: 'CONFLICT',
  /** The upload is not what it claims: not audio, too long, too big. */
  UNPROCESSABLE_CONTENT: 'UNPROCESSABLE_CONTENT',
  /** The payload exceeds a size limit. */
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** A rate limit was hit; retryAfterSeconds says when to come back. */
  TOO_MANY_REQUESTS: 'TOO_MANY_REQUESTS',
  /** A dependency (MongoDB, Redis, S3) is down; retrying later should work. */
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  /** A bug: never exposed with details outside development. */
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type AppErrorCode = (typeof AppErrorCode)[keyof typeof AppErrorCode];

export const httpStatusOf: Record<AppErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  UNPROCESSABLE_CONTENT: 422,
  PAYLOAD_TOO_LARGE: 413,
  TOO_MANY_REQUESTS: 429,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL_SERVER_ERROR: 500,
};

export type AppErrorOptions = {
  message?: string;
  cause?: unknown;
  /** Whether the message is safe to show a client. Defaults to true below 500. */
  expose?: boolean;
  /** Machine-readable extras for the client (e.g. the conflicting field, retryAfterSeconds). */
  details?: Record<string, unknown>;
};

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly status: number;
  readonly expose: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: AppErrorCode, opts: AppErrorOptions = {}) {
    super(opts.message ?? code, { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = httpStatusOf[code];
    this.expose = opts.expose ?? this.status < 500;
    this.details = opts.details;
  }

  static notFound(what: string): AppError {
    return new AppError('NOT_FOUND', { message: `${what} not found` });
  }
  static forbidden(message = 'You are not allowed to do that'): AppError {
    return new AppError('FORBIDDEN', { message });
  }
  static unauthorized(message = 'Sign in first'): AppError {
    return new AppError('UNAUTHORIZED', { message });
  }
  static badRequest(message: string, details?: Record<string, unknown>): AppError {
    return new AppError('BAD_REQUEST', { message, details });
  }
  static conflict(message: string, details?: Record<string, unknown>): AppError {
    return new AppError('CONFLICT', { message, details });
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/** The shape the tRPC errorFormatter adds under `data` for every error a client sees. */
export type AppErrorData = {
  appCode: AppErrorCode;
  httpStatus: number;
  requestId?: string;
  /** Zod's flattened field errors when the input failed validation. */
  fieldErrors?: Record<string, string[]>;
  formErrors?: string[];
  details?: Record<string, unknown>;
};
