// What each environment variable means, for the README's environment table (`pnpm docs:env`
// writes it; tooling/test/docs.test.ts fails when the table, this file and the schemas disagree).
// Names and defaults come from the schemas (ZEnv, ZWebEnv); `default` here only replaces a default
// the schema cannot show (computed, or filled in by scripts/services.sh).

export interface EnvDoc {
  meaning: string;
  default?: string;
}

/** Variables of ZEnv (every Node process) and ZWebEnv (the Next.js server). */
export const ENV_DOCS: Record<string, EnvDoc> = {
  NODE_ENV: {
    meaning: '`production` hides stack traces and internals in API errors (`scripts/run.sh` sets it)',
  },
  LOG_LEVEL: { meaning: 'pino level' },
  MONGODB_URI: {
    default: 'from services.env',
    meaning: 'MongoDB connection string (`mongodb+srv://` for Atlas)',
  },
  REDIS_URL: {
    default: 'from services.env',
    meaning:
      'Redis for cache, sessions, presence, rate limits, BullMQ, socket.io (the web: page rate limits)',
  },
  REDIS_CLUSTER_NODES: {
    default: 'unset (one node at `REDIS_URL`)',
    meaning:
      'Redis Cluster seed nodes `host:port,...`: every Redis user (cache, sessions, presence, rate limits, BullMQ, socket.io) connects to the Cluster, and `REDIS_URL` then gives only user, password and TLS (docs/OPERATIONS.md; `TONEARM_REDIS_CLUSTER=1 bash scripts/services.sh up` starts a local one)',
  },
  S3_ENDPOINT: { default: 'from services.env (unset = AWS)', meaning: 'S3-compatible endpoint' },
  S3_REGION: { meaning: 'media bucket region' },
  S3_BUCKET: { meaning: 'media bucket' },
  S3_ACCESS_KEY_ID: { default: 'dev keys', meaning: 'credentials (use the AWS default chain in production)' },
  S3_SECRET_ACCESS_KEY: {
    default: 'dev keys',
    meaning: 'credentials (use the AWS default chain in production)',
  },
  S3_FORCE_PATH_STYLE: {
    meaning: 'path-style bucket URLs (local S3); `false` for virtual-hosted AWS buckets',
  },
  S3_CORS_ORIGINS: {
    default: "the dev player's origins when `S3_ENDPOINT` is set",
    meaning: 'origins allowed to PUT presigned uploads (bucket CORS)',
  },
  ALLOWED_ORIGINS: {
    default: 'dev player',
    meaning:
      'comma-separated browser origins allowed to send cookie-authenticated mutations and open sockets',
  },
  MEDIA_BASE_URL: { default: 'the dev edge on the server', meaning: 'CloudFront distribution URL' },
  CLOUDFRONT_KEY_PAIR_ID: { meaning: 'signer key id' },
  CLOUDFRONT_PRIVATE_KEY_FILE: {
    default: 'dev key pair in `.data/cloudfront`',
    meaning: 'signer private key (PEM)',
  },
  CLOUDFRONT_PUBLIC_KEY_FILE: {
    default: 'dev key pair in `.data/cloudfront`',
    meaning: 'public key the dev edge verifies signatures with',
  },
  MEDIA_MAX_UPLOAD_BYTES: { meaning: 'upload size limit, checked at `upload.create` and `upload.finalize`' },
  MEDIA_MAX_DURATION_SEC: { meaning: 'upload duration limit, checked at `upload.finalize` (ffprobe)' },
  MEDIA_AAC_CODER: {
    meaning:
      'ffmpeg AAC coder for the ladder (`fast`: 42× instead of 26× realtime on 2 cores, 15 dB less SDR at 320k; packages/media/README.md)',
  },
  MEDIA_ENCODER_PROCESSES: {
    meaning: 'parallel encoder processes per transcode (`0`: one per rung of the ladder)',
  },
  SESSION_SECRET: { default: 'dev-only value', meaning: 'signs sessions; change in production' },
  SUBSONIC_SECRET_KEY: {
    default: 'dev-only value',
    meaning: 'encrypts Subsonic app passwords; change in production (changing it voids them)',
  },
  SESSION_TTL_SECONDS: { meaning: 'session lifetime' },
  SERVER_HOST: { meaning: 'address the API server listens on' },
  SERVER_PORT: { meaning: 'API server port' },
  WEB_PORT: { meaning: 'web player port' },
  PUBLIC_SERVER_URL: { default: '`http://127.0.0.1:$SERVER_PORT`', meaning: 'the API as browsers reach it' },
  CACHE_TTL_SECONDS: { meaning: 'cache-aside TTL (jittered)' },
  PRESENCE_TTL_MS: {
    meaning:
      "presence expires this long after a client's last heartbeat (clients beat every third); see docs/REALTIME.md",
  },
  SEARCH_ENGINE: {
    meaning: '`embedded` (in-process index, kept in sync) or `atlas` (Atlas Search; see docs/SEARCH.md)',
  },
  TONEARM_SEED_SONGS: { meaning: 'synthetic catalog size for `pnpm seed` (tests, benchmarks)' },
  TONEARM_SEED: { meaning: 'random seed of `pnpm seed`' },
  SMTP_URL: {
    meaning:
      'transactional mail (workers): verification, password reset, password-changed notice; failures retried, then dead-lettered',
  },
  EMAIL_FROM: { meaning: 'sender of transactional mail' },
  REDIS_COMMAND_TIMEOUT_MS: {
    meaning:
      'request-path Redis command timeout: past it cache reads miss and rate limits apply their failMode',
  },
  RATE_LIMITS: { meaning: 'JSON overrides of the rate-limit scopes (`packages/ratelimit/src/scopes.ts`)' },
  TRUST_PROXY: {
    meaning:
      'proxies in front (hop count, or their addresses): `X-Forwarded-For` is read only past them (server and web)',
  },
  WORKER_METRICS_PORT: { meaning: "the worker's `/metrics`, `/healthz`, `/readyz` (`0`: any free port)" },
  SHUTDOWN_TIMEOUT_MS: {
    meaning: 'how long SIGTERM waits for in-flight requests and jobs (docs/OPERATIONS.md)',
  },
  SHUTDOWN_DRAIN_DELAY_MS: {
    meaning: 'after SIGTERM, how long readiness fails before the listener closes (docs/OPERATIONS.md)',
  },
  ADMIN_EMAILS: {
    meaning:
      'comma-separated addresses that become admin only once verified by email; or `pnpm admin create <email>` / `pnpm admin promote <email>` on the host',
  },
  SIGNUP_MODE: {
    meaning:
      '`open`, `invite` (admin-issued invite links, `/admin/users`) or `closed`; shown on the sign-in page',
  },
  PUBLIC_WEB_URL: {
    default: '`http://127.0.0.1:$WEB_PORT`',
    meaning: 'the player as people reach it (links in emails)',
  },
  EMAIL_VERIFY_TTL_SECONDS: {
    meaning: 'lifetime of the single-use verification link (only its SHA-256 is stored)',
  },
  PASSWORD_RESET_TTL_SECONDS: {
    meaning: 'lifetime of the single-use reset link (only its SHA-256 is stored)',
  },
  CSP_EXTRA_ORIGINS: {
    meaning:
      'web only: comma-separated origins the Content-Security-Policy allows besides the API, media and S3',
  },
  PLAY_EVENTS_RETENTION_DAYS: {
    meaning:
      'raw play events older than this are rolled into per-listener daily rows (`play_archive`) by the daily archive job, then deleted',
  },
};

/** Variables read by scripts (scripts/*.sh, pnpm import, the queue prefix), not by the schemas. */
export const SCRIPT_ENV_DOCS: Record<string, Required<EnvDoc>> = {
  TONEARM_DEMO_LIBRARY: {
    default: "Debian's wesnoth-1.16-music folder",
    meaning: 'the folder `scripts/run.sh` imports as the demo library (`TONEARM_SKIP_DEMO=1`: none)',
  },
  TONEARM_SKIP_BUILD: { default: '—', meaning: '`1`: `scripts/run.sh` does not rebuild the web app' },
  TONEARM_PERSIST: {
    default: '`1`',
    meaning: '`scripts/services.sh`: keep MongoDB (H2 file) and Redis (AOF) on disk (`0`: in memory)',
  },
  TONEARM_MONGO_PERSIST: { default: '`$TONEARM_PERSIST`', meaning: 'the same, for MongoDB only' },
  TONEARM_REDIS_PERSIST: {
    default: '`$TONEARM_PERSIST`',
    meaning:
      'the same, for Redis only (the test suite runs Redis in memory on its own set under `.data/test`)',
  },
  TONEARM_DATA_DIR: {
    default: '`.data`',
    meaning: 'a separate installation (services, secrets, logs); the newcomer suite uses `.data/newcomer`',
  },
  TONEARM_SERVICES_ENV: {
    default: '`$TONEARM_DATA_DIR/services.env`',
    meaning: 'the file of service URLs every process reads for variables it was not given',
  },
  TONEARM_QUEUE_PREFIX: {
    default: '`bull`',
    meaning: 'BullMQ key prefix (drills and benchmarks use their own)',
  },
  TONEARM_IMPORT_CONCURRENCY: { default: '`2`', meaning: 'files `pnpm run import` reads at once' },
  TONEARM_MONGO_HEAP: {
    default: '`768m`',
    meaning: "`scripts/services.sh`: the MongoDB stand-in's Java heap",
  },
  TONEARM_SKIP_APT: { default: '`0`', meaning: '`1`: `scripts/setup.sh` installs no Debian packages' },
};
