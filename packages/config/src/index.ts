// Typed environment for every Tonearm process. With ./web.ts, the only product module that reads
// process.env (biome's noProcessEnv, configured from tooling/layers.ts, enforces it).
// In dev and CI, scripts/services.sh writes .data/services.env; it fills variables the environment lacks.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';

/** The repository root (the folder holding pnpm-workspace.yaml), found by walking up from cwd. */
export function repoRoot(from = process.cwd()): string {
  let dir = resolve(/*turbopackIgnore: true*/ from);
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return resolve(/*turbopackIgnore: true*/ from);
    dir = parent;
  }
}

let servicesEnvLoaded = false;
/** Copies .data/services.env into process.env for keys not already set. Idempotent. */
export function loadServicesEnv(): void {
  if (servicesEnvLoaded) return;
  servicesEnvLoaded = true;
  const file = process.env.TONEARM_SERVICES_ENV ?? join(repoRoot(), '.data', 'services.env');
  // Runtime paths, not assets: keep Next.js's file tracing from pulling in the whole repository.
  if (!existsSync(/*turbopackIgnore: true*/ file)) return;
  for (const line of readFileSync(/*turbopackIgnore: true*/ file, 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m?.[1] && process.env[m[1]] === undefined) process.env[m[1]] = m[2];
  }
}

/**
 * One variable without validating the whole environment: for module-level constants of packages
 * that load before env() can succeed (e.g. the BullMQ key prefix).
 */
export function rawEnv(name: string): string | undefined {
  loadServicesEnv();
  return process.env[name];
}

/** NODE_ENV === 'production', without validating the rest (read by modules that load before env()). */
export function isProduction(): boolean {
  return rawEnv('NODE_ENV') === 'production';
}

const bool = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true');

export const ZEnv = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// URI'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URI'),
  /**
   * Redis Cluster seeds, comma-separated host:port (any few nodes; the rest are discovered). When set,
   * every Redis user connects to the Cluster; REDIS_URL then only gives the user, password and TLS
   * (rediss://) of every node. Unset: the single node at REDIS_URL.
   */
  REDIS_CLUSTER_NODES: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v?.trim()) return undefined;
      return v.split(',').flatMap((raw) => {
        const m = /^\s*(?:rediss?:\/\/)?([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})\/?\s*$/.exec(raw);
        const port = Number(m?.[2]);
        if (!m?.[1] || !(port > 0 && port < 65536)) {
          ctx.addIssue({ code: 'custom', message: `"${raw.trim()}" is not host:port` });
          return [];
        }
        return [{ host: m[1].replace(/^\[|\]$/g, ''), port }];
      });
    }),
  S3_ENDPOINT: z.url().optional(),
  S3_REGION: z.string().default('us-east-1'),
  S3_BUCKET: z.string().default('tonearm-media'),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  S3_FORCE_PATH_STYLE: bool.default(true),
  /** Comma-separated origins allowed to PUT presigned uploads to the bucket (see apps/server deps). */
  S3_CORS_ORIGINS: z
    .string()
    .optional()
    .transform((v) =>
      v
        ? v
            .split(',')
            .map((o) => o.trim())
            .filter(Boolean)
        : undefined,
    ),
  /**
   * Comma-separated browser origins allowed to call the API with cookies and open sockets (the web
   * player's public origin). Default: the dev player on 127.0.0.1/localhost:WEB_PORT.
   */
  ALLOWED_ORIGINS: z
    .string()
    .optional()
    .transform((v) =>
      v
        ? v
            .split(',')
            .map((o) => o.trim().replace(/\/$/, ''))
            .filter(Boolean)
        : undefined,
    ),
  /** Where browsers fetch media: the CloudFront distribution in production, the dev edge locally. */
  MEDIA_BASE_URL: z.url().optional(),
  CLOUDFRONT_KEY_PAIR_ID: z.string().default('KDEVTONEARM'),
  CLOUDFRONT_PRIVATE_KEY_FILE: z.string().optional(),
  CLOUDFRONT_PUBLIC_KEY_FILE: z.string().optional(),
  /** Upload limits checked at upload.create (declared size) and upload.finalize (what arrived). */
  MEDIA_MAX_UPLOAD_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(200 * 1024 * 1024),
  MEDIA_MAX_DURATION_SEC: z.coerce
    .number()
    .positive()
    .default(2 * 3600),
  /** AAC coder for the ladder: twoloop (quality, default) or fast (about 2× cheaper). */
  MEDIA_AAC_CODER: z.enum(['twoloop', 'fast']).default('twoloop'),
  /** Encoder processes per transcode (0 = one per rung of the ladder). */
  MEDIA_ENCODER_PROCESSES: z.coerce.number().int().min(0).default(0),
  SESSION_SECRET: z.string().min(16).default('dev-only-session-secret-change-me'),
  /** Encrypts Subsonic app passwords at rest (AES-256-GCM, key = SHA-256 of this); set it in production. */
  SUBSONIC_SECRET_KEY: z.string().min(16).default('dev-only-subsonic-key-change-me'),
  SESSION_TTL_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(60 * 60 * 24 * 30),
  SERVER_HOST: z.string().default('127.0.0.1'),
  SERVER_PORT: z.coerce.number().int().min(0).max(65535).default(18001),
  WEB_PORT: z.coerce.number().int().min(0).max(65535).default(18002),
  /** Public URL of the standalone server as browsers see it. */
  PUBLIC_SERVER_URL: z.url().optional(),
  CACHE_TTL_SECONDS: z.coerce.number().int().positive().default(300),
  /** A presence connection without a heartbeat for this long is offline (clients beat at a third). */
  PRESENCE_TTL_MS: z.coerce.number().int().min(300).max(600_000).default(45_000),
  SEARCH_ENGINE: z.enum(['embedded', 'atlas']).default('embedded'),
  /**
   * Raw play events counted longer ago than this are rolled into play_archive (per listener, song and
   * day) and deleted by the daily archive job. Keep it above the neighbour job's 180-day window.
   */
  PLAY_EVENTS_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(400),
  /** Demo catalog size and seed for `pnpm seed` (scripts/seed.ts). */
  TONEARM_SEED_SONGS: z.coerce.number().int().min(1).max(1_000_000).default(200),
  TONEARM_SEED: z.coerce.number().int().min(0).default(42),
  SMTP_URL: z.string().optional(),
  EMAIL_FROM: z.string().default('Tonearm <no-reply@tonearm.local>'),
  /** Request-path Redis command timeout (ms): past it, cache reads miss and rate limits apply their failMode. */
  REDIS_COMMAND_TIMEOUT_MS: z.coerce.number().int().positive().default(500),
  /** JSON overrides of the rate-limit scope table (packages/ratelimit/src/scopes.ts). */
  RATE_LIMITS: z.string().optional(),
  /**
   * Which X-Forwarded-For hops are ours (packages/ratelimit/src/client-ip.ts): unset/0 none (socket
   * address), N the number of proxies in front, or a comma-separated list of proxy addresses.
   */
  TRUST_PROXY: z.string().default('0'),
  /** Port of the worker process's /metrics and /healthz listener (0 = any free port). */
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(18003),
  /** How long SIGTERM waits for in-flight requests and jobs before exiting anyway (ms). */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(25_000),
  /** After SIGTERM, how long the server keeps accepting (readiness failing) so the load balancer
   * can take it out before the listener closes (ms); about one health-check interval. */
  SHUTDOWN_DRAIN_DELAY_MS: z.coerce.number().int().min(0).default(3_000),
  /** Addresses that become admin once verified by email (comma-separated). */
  ADMIN_EMAILS: z.string().default(''),
  /** Who may create an account: anyone, holders of an admin-issued invite link, nobody. */
  SIGNUP_MODE: z.enum(['open', 'invite', 'closed']).default('open'),
  /** The web player as people reach it: links in emails point here. */
  PUBLIC_WEB_URL: z.url().optional(),
  /** Lifetimes of the links in verification and password-reset emails (seconds). */
  EMAIL_VERIFY_TTL_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(24 * 3600),
  PASSWORD_RESET_TTL_SECONDS: z.coerce.number().int().positive().default(3600),
});

export type Env = z.infer<typeof ZEnv>;

let cached: Env | undefined;
/** Parses the environment once; throws one readable error listing every bad variable. */
export function env(): Env {
  if (cached) return cached;
  loadServicesEnv();
  const parsed = ZEnv.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(
      `Invalid environment:\n${lines.join('\n')}\n(run "bash scripts/services.sh up" in dev, or set the variables)`,
    );
  }
  cached = parsed.data;
  return cached;
}

/** The web player's public URL (PUBLIC_WEB_URL, else the dev player on WEB_PORT). */
export function publicWebUrl(): string {
  const e = env();
  return (e.PUBLIC_WEB_URL ?? `http://127.0.0.1:${e.WEB_PORT}`).replace(/\/$/, '');
}

/** Test hook: forget the parsed environment so the next env() re-reads process.env. */
export function resetEnvForTests(): void {
  cached = undefined;
}
