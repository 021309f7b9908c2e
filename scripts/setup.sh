#!/usr/bin/env bash
# Installs whatever this machine lacks for Tonearm: Debian packages, Node 24 + pnpm, the workspace's
# node_modules, the MongoDB wire-compatible dev server (Maven) and the local S3 server (Go).
# Idempotent and quiet when everything is present; safe to run before every command.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
log() { echo "[setup] $*" >&2; }

# --- Debian packages (binary -> package) --------------------------------------------------
declare -A APT=( [redis-server]=redis-server [ffmpeg]=ffmpeg [ffprobe]=ffmpeg [chromium]=chromium
                 [promtool]=prometheus [java]=openjdk-17-jdk-headless [mvn]=maven [go]=golang )
missing=()
for bin in "${!APT[@]}"; do
  command -v "$bin" >/dev/null 2>&1 || [ -x "/usr/local/go/bin/$bin" ] || missing+=("${APT[$bin]}")
done
# Real music no one here wrote, for the import tests and `pnpm bench import` (41 Ogg Vorbis files).
[ -d /usr/share/games/wesnoth/1.16/data/core/music ] || missing+=(wesnoth-1.16-music)
if [ ${#missing[@]} -gt 0 ] && [ "${TONEARM_SKIP_APT:-0}" != 1 ]; then
  pkgs=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
  log "apt-get install $pkgs"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q -o DPkg::Lock::Timeout=600 $pkgs >/dev/null
fi
# Debian's redis-server package starts a system instance on 6379; we never use it, and it costs nothing.

# --- Node 24 + pnpm -----------------------------------------------------------------------
# shellcheck source=lib/node.sh
. "$ROOT/scripts/lib/node.sh"

# --- node_modules -------------------------------------------------------------------------
stamp="node_modules/.tonearm-lock.sha"
want=$(cat pnpm-lock.yaml package.json | sha1sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  log "pnpm install"
  if [ "${CI:-}" = true ]; then pnpm install --frozen-lockfile --reporter=silent; else pnpm install --reporter=silent; fi
  want=$(cat pnpm-lock.yaml package.json | sha1sum | cut -d' ' -f1)
  echo "$want" > "$stamp"
fi

# --- MongoDB stand-in: mongo-java-server behind a tiny launcher ---------------------------
MDS="$ROOT/tooling/mongo-dev-server"
src_sha=$(cat "$MDS/pom.xml" "$MDS"/src/main/java/dev/tonearm/*.java | sha1sum | cut -c1-12)
JAR="$TOOLS_DIR/mongo-dev-server-$src_sha.jar"
if [ ! -f "$JAR" ]; then
  log "building mongo-dev-server (maven)"
  mvn -B -q -f "$MDS/pom.xml" package -DskipTests >&2
  mkdir -p "$TOOLS_DIR" && cp "$MDS/target/mongo-dev-server-1.0.0.jar" "$JAR"
fi
echo "$JAR" > "$TOOLS_DIR/mongo-dev-server.path"

# --- local S3: versitygw ------------------------------------------------------------------
VERSITYGW_VERSION=v1.8.0
if [ ! -x "$TOOLS_DIR/bin/versitygw" ] || [ "$(cat "$TOOLS_DIR/bin/versitygw.version" 2>/dev/null)" != "$VERSITYGW_VERSION" ]; then
  log "building versitygw $VERSITYGW_VERSION (go install)"
  PATH="/usr/local/go/bin:$PATH" GOBIN="$TOOLS_DIR/bin" go install "github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION" >&2
  echo "$VERSITYGW_VERSION" > "$TOOLS_DIR/bin/versitygw.version"
fi

# --- schemathesis (PyPI) for the OpenSubsonic conformance check -----------------------------
SCHEMATHESIS_VERSION=4.32.5
ST_VENV="$TOOLS_DIR/schemathesis-$SCHEMATHESIS_VERSION"
if [ ! -x "$ST_VENV/bin/st" ]; then
  log "installing schemathesis $SCHEMATHESIS_VERSION (pip, into $ST_VENV)"
  python3 -m venv "$ST_VENV"
  "$ST_VENV/bin/pip" install -q "schemathesis==$SCHEMATHESIS_VERSION" >&2
fi
