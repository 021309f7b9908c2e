// The web app's environment: the few variables the Next.js server reads, straight from process.env
// at call time (one build serves any deployment). No .data/services.env loading and no node:fs here:
// Next.js would trace the files that loader can reach into the proxy bundle. scripts/run.sh and the
// e2e configs pass these variables to `next start`.
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);

export const ZWebEnv = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  /** Public URL of the standalone server as browsers see it (tRPC, socket.io, the CSP). */
  PUBLIC_SERVER_URL: z.url().optional(),
  SERVER_PORT: port.default(18001),
  /** Redis of the web's page rate limit (scope "web"); unset turns page limiting off. */
  REDIS_URL: z.string().optional(),
  /** Redis Cluster seed nodes (host:port,...) of that limiter, as the server's REDIS_CLUSTER_NODES. */
  REDIS_CLUSTER_NODES: z.string().optional(),
  RATE_LIMITS: z.string().optional(),
  TRUST_PROXY: z.string().default('0'),
  MEDIA_BASE_URL: z.url().optional(),
  S3_ENDPOINT: z.url().optional(),
  /** Comma-separated origins the web's Content-Security-Policy allows besides the API, media and S3. */
  CSP_EXTRA_ORIGINS: z.string().default(''),
});

export type WebEnv = z.infer<typeof ZWebEnv>;

/** The web app's variables, parsed on each call (cheap; a bad value throws a readable error). */
export function webEnv(source: Record<string, string | undefined> = process.env): WebEnv {
  const parsed = ZWebEnv.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid web environment:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** The API server's URL as browsers reach it: PUBLIC_SERVER_URL, else the dev server on SERVER_PORT. */
export function publicServerUrl(e: WebEnv = webEnv()): string {
  return e.PUBLIC_SERVER_URL ?? `http://127.0.0.1:${e.SERVER_PORT}`;
}
