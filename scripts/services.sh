#!/usr/bin/env bash
# Starts, stops and reports Tonearm's backing services for dev and CI: Redis, the MongoDB
# wire-compatible dev server, and versitygw as local S3. Each runs on a free loopback port with its
# data under .data/services/<name>/, is stopped by its PID, and is reused by a second `up`.
# The apps read the URLs from .data/services.env. A service whose URL is already set in the
# environment (MONGODB_URI, REDIS_URL, S3_ENDPOINT) is not started: the given one is used instead.
#
# usage: scripts/services.sh up|down|status, or stop|start NAME (redis, mongo, s3) to restart one on its
# port (the fault drills). TONEARM_DATA_DIR runs a separate set (the drills use .data/drill, the
# test suite .data/test). Persistent by default: Redis with AOF (fsync every second) and MongoDB in an
# H2 file under .data/services/, so a restart keeps every account, playlist, like and play.
# TONEARM_PERSIST=0 runs both in memory (the test suite, for speed); TONEARM_REDIS_PERSIST and
# TONEARM_MONGO_PERSIST set each one alone. A running service started in the other mode is restarted.
# TONEARM_REDIS_CLUSTER=1 also starts a local Redis Cluster (three masters, one replica each, in
# memory; services redis-c1..redis-c6, on free ports or TONEARM_REDIS_CLUSTER_PORT..+5) and writes its seeds as REDIS_CLUSTER_NODES: every Tonearm
# process then uses the Cluster (docs/OPERATIONS.md). `stop redis-c2` kills one master (the drills).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="${TONEARM_DATA_DIR:-$ROOT/.data}"
SVC="$DATA/services"
ENV_FILE="$DATA/services.env"
TOOLS_DIR="${TOOLS_DIR:-$HOME/.cache/tonearm-tools}"
S3_ACCESS="${S3_ACCESS_KEY_ID:-tonearm}"
S3_SECRET="${S3_SECRET_ACCESS_KEY:-tonearm-dev-secret}"
log() { echo "[services] $*" >&2; }
mkdir -p "$SVC"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
alive() { local f="$SVC/$1/pid"; [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null; }
REDIS_PERSIST="${TONEARM_REDIS_PERSIST:-${TONEARM_PERSIST:-1}}"
MONGO_PERSIST="${TONEARM_MONGO_PERSIST:-${TONEARM_PERSIST:-1}}"
# The mode a running service was started in; a service in the other mode is restarted by `up`.
same_mode() { [ "$(cat "$SVC/$1/mode" 2>/dev/null)" = "$2" ]; }
port_of() { cat "$SVC/$1/port"; }
tcp_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# The port a service had before (a restart keeps its URL), unless something else took it meanwhile.
port_for() { local f="$SVC/$1/port"; if [ -f "$f" ] && ! tcp_open "$(cat "$f")"; then cat "$f"; else free_port; fi; }
wait_for() { # name, check command...
  local name=$1; shift
  for _ in $(seq 1 300); do "$@" >/dev/null 2>&1 && return 0; alive "$name" || break; sleep 0.1; done
  log "$name did not come up; last log lines:"; tail -n 20 "$SVC/$name/log" >&2 || true; return 1
}
start() { # name, port, command... (own process group, so `down` can stop the whole tree)
  local name=$1 port=$2; shift 2
  mkdir -p "$SVC/$name/data"
  echo "$port" > "$SVC/$name/port"
  setsid "$@" >"$SVC/$name/log" 2>&1 < /dev/null &
  echo $! > "$SVC/$name/pid"
}
stop() {
  local name=$1 f="$SVC/$1/pid"
  [ -f "$f" ] || return 0
  local pid; pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && { kill -KILL -- "-$pid" 2>/dev/null || true; }
    log "stopped $name (pid $pid)"
  fi
  rm -f "$f"
}

redis_up() {
  local aof=no
  [ "$REDIS_PERSIST" = 1 ] && aof=yes
  if alive redis && redis-cli -p "$(port_of redis)" ping >/dev/null 2>&1; then
    same_mode redis "aof=$aof" && return
    log "redis runs in the other persistence mode: restarting it with appendonly=$aof"; stop redis
  fi
  local p; p=$(port_for redis)
  # noeviction: BullMQ must never lose job keys to memory pressure.
  start redis "$p" redis-server --port "$p" --bind 127.0.0.1 --save '' --appendonly "$aof" \
    --appendfsync everysec --dir "$SVC/redis/data" --maxmemory-policy noeviction --daemonize no
  echo "aof=$aof" > "$SVC/redis/mode"
  wait_for redis redis-cli -p "$p" ping
  log "redis on 127.0.0.1:$p"
}
# Six cluster-enabled nodes (bus on a port of its own: cluster-port, Redis 7), then one
# `redis-cli --cluster create` makes the first three masters and the last three their replicas.
CLUSTER_NODES="redis-c1 redis-c2 redis-c3 redis-c4 redis-c5 redis-c6"
redis_node_up() { # name
  local n=$1
  if alive "$n" && redis-cli -p "$(port_of "$n")" ping >/dev/null 2>&1; then return; fi
  local p bus i=${n#redis-c}
  if [ -n "${TONEARM_REDIS_CLUSTER_PORT:-}" ]; then # fixed ports: base..base+5, buses base+10..base+15
    p=$((TONEARM_REDIS_CLUSTER_PORT + i - 1)); bus=$((TONEARM_REDIS_CLUSTER_PORT + i + 9))
  else p=$(port_for "$n"); bus=$(cat "$SVC/$n/bus" 2>/dev/null || free_port); fi
  mkdir -p "$SVC/$n/data"; echo "$bus" > "$SVC/$n/bus"
  start "$n" "$p" redis-server --port "$p" --bind 127.0.0.1 --save '' --appendonly no \
    --cluster-enabled yes --cluster-port "$bus" --cluster-config-file "$SVC/$n/data/nodes.conf" \
    --cluster-node-timeout 2000 --dir "$SVC/$n/data" --maxmemory-policy noeviction --daemonize no
  wait_for "$n" redis-cli -p "$p" ping
}
redis_cluster_up() {
  local n seeds=()
  for n in $CLUSTER_NODES; do redis_node_up "$n"; seeds+=("127.0.0.1:$(port_of "$n")"); done
  local first; first=$(port_of redis-c1)
  if ! redis-cli -p "$first" cluster info 2>/dev/null | grep -q 'cluster_state:ok'; then
    if [ "$(redis-cli -p "$first" cluster info | sed -n 's/^cluster_known_nodes:\([0-9]*\).*/\1/p')" = 1 ]; then
      redis-cli --cluster create "${seeds[@]}" --cluster-replicas 1 --cluster-yes >"$SVC/redis-c1/create.log" 2>&1 \
        || { cat "$SVC/redis-c1/create.log" >&2; return 1; }
    fi
    # Ready when the slots are served and every master has its replica (the failover drills need one).
    for _ in $(seq 1 150); do
      redis-cli -p "$first" cluster info | grep -q 'cluster_state:ok' \
        && [ "$(redis-cli -p "$first" cluster nodes | grep -c ' slave ')" -ge 3 ] && break; sleep 0.1
    done
  fi
  log "redis cluster on ${seeds[*]}"
}
mongo_up() {
  local store=(--memory) mode=memory
  [ "$MONGO_PERSIST" = 1 ] && store=(--h2 "$SVC/mongo/data/tonearm.mv") mode=h2
  if alive mongo && tcp_open "$(port_of mongo)"; then
    same_mode mongo "$mode" && return
    log "mongo runs in the other persistence mode: restarting it ($mode)"; stop mongo
  fi
  local jar p; jar=$(cat "$TOOLS_DIR/mongo-dev-server.path")
  p=$(port_for mongo)
  start mongo "$p" java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx${TONEARM_MONGO_HEAP:-768m} \
    -jar "$jar" --port "$p" "${store[@]}"
  echo "$mode" > "$SVC/mongo/mode"
  wait_for mongo grep -q '^READY' "$SVC/mongo/log"
  log "mongo (mongo-java-server) on 127.0.0.1:$p"
}
s3_up() {
  if alive s3 && tcp_open "$(port_of s3)"; then return; fi
  local p; p=$(port_for s3)
  mkdir -p "$SVC/s3/data/root" "$SVC/s3/data/meta"
  # --sidecar keeps object metadata in files: works on filesystems without user xattrs.
  start s3 "$p" "$TOOLS_DIR/bin/versitygw" --access "$S3_ACCESS" --secret "$S3_SECRET" \
    --port "127.0.0.1:$p" posix --sidecar "$SVC/s3/data/meta" "$SVC/s3/data/root"
  wait_for s3 tcp_open "$p"
  log "s3 (versitygw) on 127.0.0.1:$p"
}
cloudfront_keys() { # dev key pair for the local edge; production uses the key pair registered in CloudFront
  local d="$DATA/cloudfront"
  [ -f "$d/private.pem" ] && return
  mkdir -p "$d"
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$d/private.pem" 2>/dev/null
  openssl pkey -in "$d/private.pem" -pubout -out "$d/public.pem"
}

write_env() {
  local tmp="$ENV_FILE.tmp"
  {
    echo "# written by scripts/services.sh; sourced by the apps and tests in dev/CI"
    if [ -n "${EXT_MONGODB_URI:-}" ]; then echo "MONGODB_URI=$EXT_MONGODB_URI"; else echo "MONGODB_URI=mongodb://127.0.0.1:$(port_of mongo)/tonearm"; fi
    if [ -n "${EXT_REDIS_URL:-}" ]; then echo "REDIS_URL=$EXT_REDIS_URL"; else echo "REDIS_URL=redis://127.0.0.1:$(port_of redis)"; fi
    if [ "${TONEARM_REDIS_CLUSTER:-0}" = 1 ]; then
      local n seeds=""; for n in $CLUSTER_NODES; do seeds="$seeds${seeds:+,}127.0.0.1:$(port_of "$n")"; done
      echo "REDIS_CLUSTER_NODES=$seeds"
    fi
    if [ -n "${EXT_S3_ENDPOINT:-}" ]; then echo "S3_ENDPOINT=$EXT_S3_ENDPOINT"; else echo "S3_ENDPOINT=http://127.0.0.1:$(port_of s3)"; fi
    echo "S3_ACCESS_KEY_ID=$S3_ACCESS"
    echo "S3_SECRET_ACCESS_KEY=$S3_SECRET"
    echo "CLOUDFRONT_PRIVATE_KEY_FILE=$DATA/cloudfront/private.pem"
    echo "CLOUDFRONT_PUBLIC_KEY_FILE=$DATA/cloudfront/public.pem"
  } > "$tmp"
  mv "$tmp" "$ENV_FILE"
}

cmd=${1:-status}
EXT_MONGODB_URI=${MONGODB_URI:-}; EXT_REDIS_URL=${REDIS_URL:-}; EXT_S3_ENDPOINT=${S3_ENDPOINT:-}
case "$cmd" in
  up)
    [ -n "$EXT_REDIS_URL" ] && log "using REDIS_URL from the environment" || redis_up
    [ -n "$EXT_MONGODB_URI" ] && log "using MONGODB_URI from the environment" || mongo_up
    [ -n "$EXT_S3_ENDPOINT" ] && log "using S3_ENDPOINT from the environment" || s3_up
    [ "${TONEARM_REDIS_CLUSTER:-0}" = 1 ] && redis_cluster_up
    cloudfront_keys
    write_env
    ;;
  down)
    for s in s3 mongo redis $CLUSTER_NODES; do stop "$s"; done
    rm -rf "$SVC"/redis-c[1-6] # the cluster is in memory: its next `up` creates a new one
    rm -f "$ENV_FILE"
    ;;
  stop|start)
    name=${2:?usage: $0 stop|start redis|mongo|s3|redis-c1..6}
    case "$name" in redis|mongo|s3|redis-c[1-6]) ;; *) echo "unknown service: $name" >&2; exit 2 ;; esac
    if [ "$cmd" = stop ]; then stop "$name"
    elif [[ $name == redis-c* ]]; then redis_node_up "$name"; else "${name}_up"; fi
    ;;
  status)
    for s in redis mongo s3 $CLUSTER_NODES; do
      [[ $s == redis-c* ]] && [ ! -d "$SVC/$s" ] && continue
      if alive "$s"; then echo "$s: running on 127.0.0.1:$(port_of "$s") (pid $(cat "$SVC/$s/pid"))$( [ -f "$SVC/$s/mode" ] && echo " [$(cat "$SVC/$s/mode")]")"; else echo "$s: stopped"; fi
    done
    ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
