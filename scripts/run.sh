#!/usr/bin/env bash
# Runs Tonearm on the embedded default: installs what is missing, starts Redis, the MongoDB stand-in
# and local S3, seeds the demo catalog, and serves the player. Ctrl-C stops the apps (the services
# keep running for the next start; `bash scripts/services.sh down` stops them).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
# shellcheck source=lib/node.sh
. scripts/lib/node.sh
bash scripts/services.sh up
export SERVER_PORT="${SERVER_PORT:-18001}" WEB_PORT="${WEB_PORT:-18002}"
export PUBLIC_SERVER_URL="${PUBLIC_SERVER_URL:-http://127.0.0.1:$SERVER_PORT}"
pnpm -s exec tsx scripts/seed.ts
# Real audio for the top seeded songs: generated tones run through the real transcode pipeline.
pnpm -s exec tsx scripts/demo-media.ts --seeded --count "${TONEARM_DEMO_TRACKS:-8}" --seconds 40
if [ "${TONEARM_SKIP_BUILD:-0}" != 1 ]; then NODE_ENV=production pnpm -s --filter @tonearm/web build; fi

pids=()
stop() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait; }
trap stop EXIT INT TERM
(cd apps/server && exec node_modules/.bin/tsx src/main.ts) & pids+=($!)
# Workers: transcodes of uploads, play statistics, recommendations, email, covers.
(cd packages/workers && WORKER_METRICS_PORT="${WORKER_METRICS_PORT:-0}" exec node_modules/.bin/tsx src/main.ts) & pids+=($!)
# The web proxy's rate limiter reads REDIS_URL from its environment (it does not load services.env).
# Its CSP names the S3 endpoint the browser uploads to.
(cd apps/web && REDIS_URL="${REDIS_URL:-$(sed -n 's/^REDIS_URL=//p' ../../.data/services.env)}" S3_ENDPOINT="${S3_ENDPOINT:-$(sed -n 's/^S3_ENDPOINT=//p' ../../.data/services.env)}" NODE_ENV=production exec node_modules/.bin/next start -p "$WEB_PORT" -H 127.0.0.1) & pids+=($!)
echo
echo "  Tonearm player:   http://127.0.0.1:$WEB_PORT"
echo "  API (tRPC):       $PUBLIC_SERVER_URL/trpc"
echo "  Metrics / health: $PUBLIC_SERVER_URL/metrics  $PUBLIC_SERVER_URL/readyz"
echo "  Sign up in the player to listen; ADMIN_EMAILS=you@example.com makes that account an admin."
echo
wait -n "${pids[@]}"
