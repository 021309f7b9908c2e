#!/usr/bin/env bash
# The main job: installs what is missing, starts Redis, the MongoDB stand-in and local S3 (all
# persistent under .data/), serves the player in production mode, and brings in the demo library
# (Debian's wesnoth-1.16-music: 41 tagged Ogg Vorbis tracks, about 2 h 8 min) through `pnpm import`,
# with demo listeners over it. Data persists: `bash scripts/services.sh down && bash scripts/run.sh`
# brings back every account, playlist, like, follow, upload and play. Ctrl-C stops the apps (the
# services keep running for the next start; `bash scripts/services.sh down` stops them).
# Development mode (stack traces, next dev): `bash scripts/dev.sh` (`pnpm dev`).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
t_start=$(date +%s)
# TONEARM_DATA_DIR keeps a separate installation (the newcomer suite runs one under .data/newcomer).
DATA="${TONEARM_DATA_DIR:-$ROOT/.data}"
export TONEARM_DATA_DIR="$DATA" TONEARM_SERVICES_ENV="$DATA/services.env"
LOGS="$DATA/logs"
bash scripts/setup.sh
# shellcheck source=lib/node.sh
. scripts/lib/node.sh
bash scripts/services.sh up
mkdir -p "$LOGS"

# A session secret of this installation, made once and kept with its data.
if [ ! -f "$DATA/secrets.env" ]; then
  (umask 077 && echo "SESSION_SECRET=$(openssl rand -hex 32)" > "$DATA/secrets.env")
fi
set -a
# shellcheck disable=SC1091
. "$DATA/secrets.env"
set +a

export NODE_ENV=production
export SERVER_PORT="${SERVER_PORT:-18001}" WEB_PORT="${WEB_PORT:-18002}"
export PUBLIC_SERVER_URL="${PUBLIC_SERVER_URL:-http://127.0.0.1:$SERVER_PORT}"
if [ "${TONEARM_SKIP_BUILD:-0}" != 1 ]; then pnpm -s --filter @tonearm/web build >"$LOGS/web-build.log" 2>&1 || {
  tail -n 30 "$LOGS/web-build.log"; exit 1; }; fi

pids=()
demo_pid=""
stop() { for p in "${pids[@]}" $demo_pid; do kill -TERM "$p" 2>/dev/null || true; done; wait; }
trap stop EXIT INT TERM
(cd apps/server && exec node_modules/.bin/tsx src/main.ts) >>"$LOGS/server.log" 2>&1 & pids+=($!)
# Workers: transcodes of uploads and imports, play statistics, recommendations, email, covers.
(cd packages/workers && WORKER_METRICS_PORT="${WORKER_METRICS_PORT:-0}" exec node_modules/.bin/tsx src/main.ts) >>"$LOGS/worker.log" 2>&1 & pids+=($!)
# The web proxy's rate limiter reads REDIS_URL (and REDIS_CLUSTER_NODES) from its environment (it
# does not load services.env); its CSP names the S3 endpoint the browser uploads to.
(cd apps/web && REDIS_URL="${REDIS_URL:-$(sed -n 's/^REDIS_URL=//p' "$TONEARM_SERVICES_ENV")}" \
  REDIS_CLUSTER_NODES="${REDIS_CLUSTER_NODES:-$(sed -n 's/^REDIS_CLUSTER_NODES=//p' "$TONEARM_SERVICES_ENV")}" \
  S3_ENDPOINT="${S3_ENDPOINT:-$(sed -n 's/^S3_ENDPOINT=//p' "$TONEARM_SERVICES_ENV")}" \
  exec node_modules/.bin/next start -p "$WEB_PORT" -H 127.0.0.1) >>"$LOGS/web.log" 2>&1 & pids+=($!)
for _ in $(seq 1 120); do
  curl -fsS "$PUBLIC_SERVER_URL/healthz" >/dev/null 2>&1 && curl -fsS "http://127.0.0.1:$WEB_PORT" >/dev/null 2>&1 && break
  sleep 0.5
done
echo "[run] player serving after $(( $(date +%s) - t_start )) s"

# The demo library: imported once (a second import finds everything unchanged), then listened to.
DEMO_DIR="${TONEARM_DEMO_LIBRARY:-/usr/share/games/wesnoth/1.16/data/core/music}"
if [ -d "$DEMO_DIR" ] && [ "${TONEARM_SKIP_DEMO:-0}" != 1 ]; then
  (
    t0=$(date +%s)
    if pnpm -s run import --json "$DEMO_DIR" > "$LOGS/demo-import.json" 2>>"$LOGS/demo-import.log" &&
      pnpm -s exec tsx scripts/demo-listeners.ts --wait >>"$LOGS/demo-import.log" 2>&1; then
      echo "[run] demo library imported and listened to in $(( $(date +%s) - t0 )) s ($LOGS/demo-import.*)"
    else
      echo "[run] demo library import FAILED after $(( $(date +%s) - t0 )) s: see $LOGS/demo-import.log"
    fi
  ) &
  demo_pid=$!
else
  echo "[run] no demo library at $DEMO_DIR (TONEARM_DEMO_LIBRARY); import your own: pnpm import <folder>"
fi
echo
echo "  Tonearm player:   http://127.0.0.1:$WEB_PORT"
echo "  API (tRPC):       $PUBLIC_SERVER_URL/trpc"
echo "  Metrics / health: $PUBLIC_SERVER_URL/metrics  $PUBLIC_SERVER_URL/readyz"
echo "  Logs:             $LOGS/  (the demo library transcodes in the background)"
echo "  Sign up in the player to listen; the first admin: pnpm admin create <email>."
echo
wait -n "${pids[@]}"
