#!/usr/bin/env bash
# Development mode: the same services as scripts/run.sh, the server and worker under `tsx watch`,
# the player under `next dev` (hot reload, stack traces in error responses). Uses the data that
# run.sh keeps under .data/ (import music with `pnpm import <folder>`).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
# shellcheck source=lib/node.sh
. scripts/lib/node.sh
bash scripts/services.sh up
export NODE_ENV=development
export SERVER_PORT="${SERVER_PORT:-18001}" WEB_PORT="${WEB_PORT:-18002}"
export PUBLIC_SERVER_URL="${PUBLIC_SERVER_URL:-http://127.0.0.1:$SERVER_PORT}"
pids=()
stop() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait; }
trap stop EXIT INT TERM
(cd apps/server && exec node_modules/.bin/tsx watch src/main.ts) & pids+=($!)
(cd packages/workers && WORKER_METRICS_PORT="${WORKER_METRICS_PORT:-0}" exec node_modules/.bin/tsx watch src/main.ts) & pids+=($!)
(cd apps/web && exec node_modules/.bin/next dev -p "$WEB_PORT" -H 127.0.0.1) & pids+=($!)
echo "  Tonearm (development): http://127.0.0.1:$WEB_PORT  API $PUBLIC_SERVER_URL/trpc"
wait -n "${pids[@]}"
