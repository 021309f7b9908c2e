#!/usr/bin/env bash
# Runs every test: static checks, unit + integration (vitest) and Playwright, against real services
# it starts itself (and stops again if it started them). Ends with "N passed, N failed".
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }
# shellcheck source=lib/node.sh
. scripts/lib/node.sh

# The suite runs on a set of services of its own under .data/test, never on the library that
# scripts/run.sh keeps under .data/: MongoDB on the persistent H2 backend (the one run.sh uses, so
# every suite and the compatibility suite run against it), Redis in memory.
export TONEARM_DATA_DIR="$ROOT/.data/test" TONEARM_SERVICES_ENV="$ROOT/.data/test/services.env"
export TONEARM_MONGO_PERSIST=1 TONEARM_REDIS_PERSIST=0
started=0
if ! bash scripts/services.sh status | grep -q 'running' || [ ! -f "$TONEARM_SERVICES_ENV" ]; then
  started=1
  rm -rf "$TONEARM_DATA_DIR/services"
fi
bash scripts/services.sh up || { echo "services failed to start"; echo "0 passed, 1 failed"; exit 1; }
cleanup() {
  [ -n "${TONEARM_NEWCOMER_PORTS:-}" ] && pnpm -s exec tsx e2e/newcomer/stop.ts >/dev/null 2>&1
  [ "$started" = 1 ] && bash scripts/services.sh down >/dev/null 2>&1
}
trap cleanup EXIT

REPORTS=.data/reports
rm -rf "$REPORTS" && mkdir -p "$REPORTS"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
export SERVER_PORT="${SERVER_PORT:-$(free_port)}" WEB_PORT="${WEB_PORT:-$(free_port)}" NODE_ENV=test
check() { # name, command...: a static check counted as one test
  local name=$1; shift
  echo "== $name"
  "$@"; echo $? > "$REPORTS/$name.check"
}

check typecheck pnpm -s typecheck
check lint pnpm -s exec biome check .
echo "== vitest"
pnpm -s exec vitest run --exclude apps/server/test/subsonic-conformance.test.ts --reporter=default --reporter=json --outputFile.json="$REPORTS/vitest.json"
# The Redis users' suites again on a local three-master Redis Cluster (docs/OPERATIONS.md); the
# services.env written for it is put back to the single node afterwards.
echo "== vitest on a Redis Cluster"
( export TONEARM_REDIS_CLUSTER=1 && bash scripts/services.sh up && pnpm -s exec vitest run \
  packages/cache packages/ratelimit/test/ratelimit.test.ts packages/realtime apps/server/test/cache.test.ts \
  apps/server/test/accounts-email.test.ts apps/server/test/csrf.test.ts apps/server/test/ratelimit.test.ts \
  apps/server/test/realtime.test.ts apps/server/test/plays.test.ts packages/workers/test/jobs.test.ts \
  packages/core/test/search-sync.test.ts apps/server/test/ops.test.ts \
  --reporter=default --reporter=json --outputFile.json="$REPORTS/vitest-cluster.json" )
bash scripts/services.sh up >/dev/null
# OpenSubsonic conformance: schemathesis over the spec against a running server (~1 min).
check subsonic-conformance pnpm -s exec vitest run apps/server/test/subsonic-conformance.test.ts
echo "== seed + web build"
check seed pnpm -s exec tsx scripts/seed.ts
check web-build env NODE_ENV=production pnpm -s --filter @tonearm/web build
# The newcomer suite's fresh installation (run.sh from nothing, its demo import transcoding 41 tracks)
# starts now at low CPU priority, so its import runs while the main suites wait on real-time playback.
# TONEARM_NEWCOMER_PRESTART=0 runs it only when its suite starts, as before (about 10 min longer).
TONEARM_NEWCOMER_PORTS="{\"server\":$(free_port),\"web\":$(free_port)}"
export TONEARM_NEWCOMER_PORTS
if [ "${TONEARM_NEWCOMER_PRESTART:-1}" = 1 ]; then
  export TONEARM_NEWCOMER_PRESTARTED=1
  pnpm -s exec tsx e2e/newcomer/prestart.ts
fi
echo "== playwright"
pnpm -s exec playwright test
echo "== playwright: newcomer suite (the stack as scripts/run.sh starts it, fresh installation)"
pnpm -s exec playwright test -c e2e/newcomer/playwright.config.ts

echo "== summary"
node scripts/summarize.mjs "$REPORTS"
