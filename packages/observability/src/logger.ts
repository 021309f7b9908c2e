// Structured JSON logs in Elastic Common Schema field names, so ELK ingests them as they are.
// One root logger per process; request-scoped children carry the request id, user id and procedure.
import { rawEnv } from '@tonearm/config';
import { type Logger, pino } from 'pino';

export type { Logger } from 'pino';

const CENSOR = '[redacted]';
/** Keys whose values never reach a log line, at any depth and in any case. */
const SECRET_KEY =
  /password|passwd|secret|token|cookie|authorization|api[-_]?key|private[-_]?key|session[-_]?id|^sid$|credential/i;
/** Secrets recognisable by shape inside strings: API keys, session cookies, one-time link tokens. */
const SECRET_IN_TEXT: Array<[RegExp, string]> = [
  [/ta_[0-9a-f]{8}_[A-Za-z0-9_-]{32}/g, `ta_${CENSOR}`],
  [/(tonearm_session=)[^;\s]+/g, `$1${CENSOR}`],
  [/([?&](?:token|t|key|signature|Signature|X-Amz-Signature)=)[^&\s"]+/g, `$1${CENSOR}`],
];

function scrubText(s: string): string {
  let out = s;
  for (const [re, rep] of SECRET_IN_TEXT) out = out.replace(re, rep);
  return out;
}

/** Deep copy with secret keys censored and secret-shaped substrings masked (bounded depth). */
export function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error || value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? CENSOR : scrub(v, depth + 1);
  return out;
}

const REDACT = [
  'password',
  '*.password',
  'token',
  '*.token',
  'apiKey',
  '*.apiKey',
  'cookie',
  '*.cookie',
  'authorization',
  '*.authorization',
  'http.request.headers.cookie',
  'http.request.headers.authorization',
  'http.request.headers["x-api-key"]',
  'headers.cookie',
  'headers.authorization',
  'headers["x-api-key"]',
];

function serializeError(e: unknown): unknown {
  if (!(e instanceof Error)) return e;
  const code = (e as { code?: unknown }).code;
  return {
    type: e.name,
    message: scrubText(e.message),
    stack_trace: e.stack && scrubText(e.stack),
    ...(code !== undefined ? { code: String(code) } : {}),
  };
}

/**
 * A pino logger writing ECS JSON: @timestamp, log.level, message, service.name; `err` is written as
 * ECS `error` {type, message, stack_trace}. Secrets are censored by key at any depth and by shape
 * inside strings (see scrub), besides pino's fast path redaction.
 */
export function createLogger(
  service: string,
  level = rawEnv('LOG_LEVEL') ?? 'info',
  destination?: pino.DestinationStream,
): Logger {
  const options: pino.LoggerOptions = {
    level,
    messageKey: 'message',
    errorKey: 'error',
    timestamp: () => `,"@timestamp":"${new Date().toISOString()}"`,
    base: { 'service.name': service, 'ecs.version': '8.11.0', 'process.pid': process.pid },
    formatters: {
      level: (label) => ({ 'log.level': label }),
      log: (obj) => {
        const { err, ...rest } = obj as { err?: unknown };
        const out = scrub(rest) as Record<string, unknown>;
        if (err !== undefined) out.error = err;
        return out;
      },
    },
    redact: { paths: REDACT, censor: CENSOR },
    hooks: {
      // The message string (and printf-style arguments) bypass formatters.log: mask them here.
      logMethod(args, method) {
        const clean = args.map((a) => (typeof a === 'string' ? scrubText(a) : a)) as typeof args;
        method.apply(this, clean);
      },
    },
    serializers: { err: serializeError, error: serializeError },
  };
  return destination ? pino(options, destination) : pino(options);
}

let root: Logger | undefined;
/** The process's root logger; the first caller names the service. */
export function logger(service = 'tonearm'): Logger {
  root ??= createLogger(service);
  return root;
}
