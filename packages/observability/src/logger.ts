// Structured JSON logs in Elastic Common Schema field names, so ELK ingests them as they are.
// One root logger per process; request-scoped children carry the request id, user id and procedure.
import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

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

export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    messageKey: 'message',
    timestamp: () => `,"@timestamp":"${new Date().toISOString()}"`,
    base: { 'service.name': service, 'ecs.version': '8.11.0', 'process.pid': process.pid },
    formatters: {
      level: (label) => ({ 'log.level': label }),
    },
    redact: { paths: REDACT, censor: '[redacted]' },
    serializers: {
      err: (e: unknown) => {
        if (!(e instanceof Error)) return e;
        const code = (e as { code?: unknown }).code;
        return {
          type: e.name,
          message: e.message,
          stack_trace: e.stack,
          ...(code !== undefined ? { code: String(code) } : {}),
        };
      },
    },
  });
}

let root: Logger | undefined;
/** The process's root logger; the first caller names the service. */
export function logger(service = 'tonearm'): Logger {
  root ??= createLogger(service);
  return root;
}
