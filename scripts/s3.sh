#!/usr/bin/env bash
# Disposable S3-compatible object store for KpuOrleans development and tests (the photos' production store speaks
# the S3 API; see README "Photos").
#
# Usage: scripts/s3.sh start|stop|restart|kill|status|url|install
#
#   start    install the server under .s3/ when missing, start it on 127.0.0.1 (nothing if it already runs) and
#            print its endpoint on stdout (everything else goes to stderr)
#   stop     SIGTERM, then wait until it is gone; fine if nothing is running
#   restart  stop, then start
#   kill     SIGKILL (crash simulation); fine if nothing is running
#   status   exit 0 when the server is running and answering
#   url      print the endpoint
#   install  only install the server under .s3/server (CI does it before the tests, which start their own)
#
# Environment:
#   KPU_S3_PORT  TCP port (default 54380)
#   KPU_S3_DIR   where the server is installed and keeps its data (default <repo>/.s3, git-ignored): the program in
#                <dir>/server, the objects in <dir>/data-<port> (kept across restarts: delete it to start empty), the
#                log and pid file in <dir>/data-<port>.run
#
# Credentials: access key S3RVER, secret key S3RVER (the server's own fixed pair; it serves loopback only).
#
# Which server, and why: s3rver 3.7.1 from the npm registry (pinned with its dependencies by scripts/s3/package-lock.json,
# installed with `npm ci`, so nothing but Node.js and npm is needed, and nothing global is touched). It is a real HTTP
# server speaking the S3 REST API (path-style buckets, SigV4, PUT/GET/HEAD objects with their metadata, buckets),
# storing objects as files on disk, so a restart keeps them. The alternatives reachable here: its maintained fork
# @20minutes/s3rver 5.0.0 requires Node.js 24 (the machines have 20); Debian's radosgw needs a running Ceph cluster
# (monitors and OSDs) behind it, too heavy for a test fixture; MinIO is not packaged by Debian or on npm. s3rver checks
# no access policy and is no production store: production uses MinIO or a cloud's object storage (k8s/ runs MinIO).
set -euo pipefail

PORT="${KPU_S3_PORT:-54380}"
ACCESS_KEY=S3RVER

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
BASE_DIR="${KPU_S3_DIR:-$REPO_ROOT/.s3}"
case "$BASE_DIR" in /*) ;; *) BASE_DIR="$PWD/$BASE_DIR" ;; esac
SERVER_DIR="$BASE_DIR/server"
DATA_DIR="$BASE_DIR/data-$PORT"
RUN_DIR="$DATA_DIR.run"
PID_FILE="$RUN_DIR/server.pid"
LOG_FILE="$RUN_DIR/server.log"
ENDPOINT="http://127.0.0.1:$PORT"

log() { printf '[s3.sh] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

case "$PORT" in
  ''|*[!0-9]*) die "KPU_S3_PORT must be a number, got '$PORT'" ;;
esac

# ---------------------------------------------------------------- install ---

ensure_node() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 && return
  [ "$(id -u)" -eq 0 ] || die "Node.js and npm not found (the build needs them too); install Debian's 'nodejs' and 'npm' or run this script as root once"
  log "Node.js/npm not found; installing Debian's nodejs and npm with apt-get"
  apt-get update >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y nodejs npm >&2
}

ensure_server() {
  ensure_node
  mkdir -p "$SERVER_DIR"
  # Two scripts starting servers on different ports share one installation: one installs, the other waits.
  exec 8>"$BASE_DIR/.install.lock"
  if command -v flock >/dev/null 2>&1; then flock 8; fi
  # Reinstall when the pinned manifest changed since the last install.
  if [ -x "$SERVER_DIR/node_modules/.bin/s3rver" ] \
    && cmp -s "$SCRIPT_DIR/s3/package-lock.json" "$SERVER_DIR/package-lock.json"; then
    exec 8>&-
    return
  fi
  log "installing s3rver (pinned by scripts/s3/package-lock.json) into $SERVER_DIR"
  cp "$SCRIPT_DIR/s3/package.json" "$SCRIPT_DIR/s3/package-lock.json" "$SERVER_DIR/"
  (cd "$SERVER_DIR" && npm ci --no-audit --no-fund --loglevel=error >&2 8>&-) || die "npm ci failed in $SERVER_DIR"
  [ -x "$SERVER_DIR/node_modules/.bin/s3rver" ] || die "npm ci finished but s3rver is missing"
  exec 8>&-
}

# ---------------------------------------------------------------- process ---

server_pid() {
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  case "$pid" in ''|*[!0-9]*) return 1 ;; esac
  printf '%s' "$pid"
}

# 0 when the process is alive (not a zombie).
pid_alive() {
  local st
  [ -r "/proc/$1/status" ] || return 1
  st="$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)"
  [ -n "$st" ] && [ "$st" != "Z" ] && [ "$st" != "X" ]
}

# 0 when the pid file names a live server of ours (not a zombie, not a recycled pid).
is_running() {
  local pid
  pid="$(server_pid)" || return 1
  pid_alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "s3rver.* -d $DATA_DIR " || return 1
}

answers() {
  # Any HTTP answer will do (an anonymous GET / is 403 or 200 depending on the server's mood).
  if command -v curl >/dev/null 2>&1; then
    curl -s -o /dev/null --max-time 2 "$ENDPOINT/"
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null
  fi
}

port_in_use() {
  if command -v ss >/dev/null 2>&1; then
    ss -Hltn "sport = :$PORT" 2>/dev/null | grep -q .
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null
  fi
}

wait_gone() {
  local pid="$1" i
  for i in $(seq 1 $(( $2 * 4 ))); do
    [ -d "/proc/$pid" ] || return 0
    [ "$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$pid/status" 2>/dev/null)" = "Z" ] && return 0
    sleep 0.25
  done
  return 1
}

# --------------------------------------------------------------- commands ---

cmd_start() {
  ensure_server
  mkdir -p "$DATA_DIR" "$RUN_DIR"
  exec 9>"$RUN_DIR/.script.lock"
  if command -v flock >/dev/null 2>&1; then flock 9; fi
  if is_running; then
    answers || sleep 1
    printf '%s\n' "$ENDPOINT"
    return
  fi
  port_in_use && die "port $PORT on 127.0.0.1 is already taken by another process (set KPU_S3_PORT)"
  log "starting s3rver on $ENDPOINT, data $DATA_DIR, log $LOG_FILE"
  # The trailing space in the command line's data path lets is_running tell data-5438 from data-54380.
  # fd 9 (the script lock) must not be inherited by the long-lived server; setsid keeps it out of the caller's
  # process group, so a test runner's Ctrl-C does not take it down half-way.
  setsid "$SERVER_DIR/node_modules/.bin/s3rver" -d "$DATA_DIR" -a 127.0.0.1 -p "$PORT" --no-vhost-buckets --silent \
    </dev/null >>"$LOG_FILE" 2>&1 9>&- &
  local pid=$! i
  echo "$pid" >"$PID_FILE"
  for i in $(seq 1 120); do
    # By its pid alone: until the child has exec'd the server, its command line is still this script's.
    if ! pid_alive "$pid"; then
      tail -n 30 "$LOG_FILE" >&2 || true
      die "s3rver exited during start-up"
    fi
    if answers; then
      printf '%s\n' "$ENDPOINT"
      return
    fi
    sleep 0.25
  done
  die "s3rver did not answer on $ENDPOINT within 30 s; see $LOG_FILE"
}

cmd_stop() {
  local pid
  if ! is_running; then
    log "server is not running"
    return 0
  fi
  pid="$(server_pid)"
  log "stopping s3rver ($pid)"
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_gone "$pid" 10; then
    log "still running after 10 s; SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" 10 || die "process $pid did not go away"
  fi
  rm -f "$PID_FILE"
}

cmd_kill() {
  local pid
  if ! is_running; then
    log "server is not running"
    return 0
  fi
  pid="$(server_pid)"
  log "sending SIGKILL to s3rver $pid"
  kill -KILL "$pid" 2>/dev/null || true
  wait_gone "$pid" 10 || die "process $pid did not go away"
  rm -f "$PID_FILE"
}

cmd_status() {
  if is_running && answers; then
    log "running: $ENDPOINT, data $DATA_DIR, access key $ACCESS_KEY"
    return 0
  fi
  log "not running (data $DATA_DIR)"
  return 3
}

main() {
  local cmd="${1:-}"
  case "$cmd" in
    start)   cmd_start ;;
    stop)    cmd_stop ;;
    restart) cmd_stop; cmd_start ;;
    kill)    cmd_kill ;;
    status)  cmd_status ;;
    url)     printf '%s\n' "$ENDPOINT" ;;
    install) ensure_server ;;
    *)
      echo "usage: $0 start|stop|restart|kill|status|url|install" >&2
      exit 2 ;;
  esac
}

main "$@"
