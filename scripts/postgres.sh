#!/usr/bin/env bash
# Disposable PostgreSQL server for KpuOrleans development and CI.
#
# Usage: scripts/postgres.sh start|stop|restart|url [--app]|psql [args]|kill|status
#
#   start    install PostgreSQL via apt if missing (root only), create the cluster
#            once, start it on 127.0.0.1, make sure the roles and database exist and
#            print the owner's connection string on stdout (everything else goes to
#            stderr)
#   stop     fast shutdown; fine if nothing is running
#   restart  stop, then start
#   url      print the owner's connection string (role "kpu": owns the schema, runs
#            `migrate`); with --app the application's (role "kpu_silo", member of
#            the group role "kpu_app": what silos and gateways use in production)
#   psql     run psql against the kpu database (extra args are passed through)
#   kill     SIGKILL the postmaster (crash simulation); fine if nothing is running
#   status   exit 0 when the server is running
#
# Environment:
#   KPU_PG_PORT  TCP port (default 54329)
#   KPU_PG_DIR   data directory (default <repo>/.pg/data-<port>, or
#                /tmp/kpu-pg-<port>/data when the postgres OS user cannot reach the repo)
#
# Socket and server log live next to the data directory in "<datadir>.run".
set -euo pipefail

PORT="${KPU_PG_PORT:-54329}"
DB_NAME=kpu
DB_USER=kpu
DB_PASSWORD=kpu
APP_GROUP=kpu_app
APP_USER=kpu_silo
APP_PASSWORD=kpu_silo
SUPERUSER=postgres

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"

log() { printf '[postgres.sh] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

case "$PORT" in
  ''|*[!0-9]*) die "KPU_PG_PORT must be a number, got '$PORT'" ;;
esac

conn_string() {
  printf 'Host=127.0.0.1;Port=%s;Database=%s;Username=%s;Password=%s\n' "$PORT" "$DB_NAME" "$DB_USER" "$DB_PASSWORD"
}

app_conn_string() {
  printf 'Host=127.0.0.1;Port=%s;Database=%s;Username=%s;Password=%s\n' "$PORT" "$DB_NAME" "$APP_USER" "$APP_PASSWORD"
}

cmd_url() {
  case "${1:-}" in
    '') conn_string ;;
    --app) app_conn_string ;;
    *) die "url takes no argument or --app, got '$1'" ;;
  esac
}

IS_ROOT=0
[ "$(id -u)" -eq 0 ] && IS_ROOT=1

# ---------------------------------------------------------------- binaries --

find_pg_bin() {
  local d best=""
  # Prefer the newest Debian-style installation.
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V); do
    if [ -x "$d/pg_ctl" ] && [ -x "$d/initdb" ]; then best="$d"; fi
  done
  if [ -z "$best" ] && command -v pg_config >/dev/null 2>&1; then
    d="$(pg_config --bindir 2>/dev/null || true)"
    if [ -n "$d" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/initdb" ]; then best="$d"; fi
  fi
  if [ -z "$best" ] && command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    best="$(dirname "$(readlink -f "$(command -v pg_ctl)")")"
  fi
  printf '%s' "$best"
}

PG_BIN=""
ensure_pg_bin() {
  PG_BIN="$(find_pg_bin)"
  if [ -n "$PG_BIN" ]; then return; fi
  if [ "$IS_ROOT" -ne 1 ]; then
    die "PostgreSQL server binaries (pg_ctl, initdb) not found; install the 'postgresql' package or run this script as root once"
  fi
  log "PostgreSQL not found; installing it with apt-get (a 'policy-rc.d denied execution' message is expected and harmless)"
  apt-get update >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql >&2
  PG_BIN="$(find_pg_bin)"
  [ -n "$PG_BIN" ] || die "apt-get finished but pg_ctl/initdb are still missing"
}

# Binaries that are only needed when the server is (supposed to be) up.
client_bin() {
  local name="$1" bin
  bin="$(find_pg_bin)"
  if [ -n "$bin" ] && [ -x "$bin/$name" ]; then printf '%s' "$bin/$name"; return; fi
  if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return; fi
  die "'$name' not found; run 'scripts/postgres.sh start' first"
}

# ------------------------------------------------------------- run as owner --

# Run a command as the cluster owner: the postgres OS user when we are root,
# ourselves otherwise. The working directory is / so that the postgres user
# never trips over an unreadable current directory.
as_owner() {
  if [ "$IS_ROOT" -eq 1 ]; then
    if command -v runuser >/dev/null 2>&1; then
      (cd / && runuser -u postgres -- "$@")
    else
      local cmd="" a
      for a in "$@"; do cmd+=" $(printf '%q' "$a")"; done
      (cd / && su -s /bin/sh postgres -c "$cmd")
    fi
  else
    (cd / && "$@")
  fi
}

owner_can_use_dir() {
  # True when the cluster owner can create/enter files in the directory.
  as_owner test -d "$1" -a -x "$1" -a -w "$1" 2>/dev/null
}

# ------------------------------------------------------------------ layout --

DATA_DIR=""
RUN_DIR=""
FALLBACK_NOTE=""

resolve_layout() {
  if [ -n "${KPU_PG_DIR:-}" ]; then
    DATA_DIR="${KPU_PG_DIR%/}"
    case "$DATA_DIR" in /*) ;; *) DATA_DIR="$PWD/$DATA_DIR" ;; esac
  else
    DATA_DIR="$REPO_ROOT/.pg/data-$PORT"
    if [ "$IS_ROOT" -eq 1 ] && ! id postgres >/dev/null 2>&1; then
      : # the postgres user appears with the package; decided again after install
    elif [ "$IS_ROOT" -eq 1 ] && ! as_owner test -x "$REPO_ROOT" 2>/dev/null; then
      DATA_DIR="/tmp/kpu-pg-$PORT/data"
      FALLBACK_NOTE="the postgres OS user cannot enter $REPO_ROOT; using $DATA_DIR instead of .pg/"
    fi
  fi
  RUN_DIR="$DATA_DIR.run"
}

# Create a directory owned by the cluster owner (root creates and chowns).
make_owned_dir() {
  local dir="$1" mode="$2"
  mkdir -p "$dir" 2>/dev/null || die "cannot create $dir (set KPU_PG_DIR to a writable location)"
  if [ "$IS_ROOT" -eq 1 ]; then chown postgres:postgres "$dir"; fi
  chmod "$mode" "$dir"
}

prepare_dirs() {
  local parent
  parent="$(dirname "$DATA_DIR")"
  mkdir -p "$parent" 2>/dev/null || die "cannot create $parent (set KPU_PG_DIR to a writable location)"
  if [ "$IS_ROOT" -eq 1 ] && { [ "$parent" = "$REPO_ROOT/.pg" ] || [ "$parent" = "/tmp/kpu-pg-$PORT" ]; }; then
    # The postgres user only needs to traverse this folder.
    chmod 0755 "$parent"
  fi
  if [ -n "$FALLBACK_NOTE" ]; then log "$FALLBACK_NOTE"; fi
  make_owned_dir "$DATA_DIR" 0700
  make_owned_dir "$RUN_DIR" 0700
  owner_can_use_dir "$DATA_DIR" || die "the cluster owner cannot use $DATA_DIR (check the permissions of its parent directories)"
  owner_can_use_dir "$RUN_DIR" || die "the cluster owner cannot use $RUN_DIR"
}

# Use the binaries of the major version the cluster was created with, when
# that version is installed side by side with a newer one.
match_bin_to_data() {
  local ver
  [ -f "$DATA_DIR/PG_VERSION" ] || return 0
  ver="$(cat "$DATA_DIR/PG_VERSION")"
  if [ -x "/usr/lib/postgresql/$ver/bin/pg_ctl" ]; then
    PG_BIN="/usr/lib/postgresql/$ver/bin"
  fi
}

# ---------------------------------------------------------------- helpers ---

# 0 when the pid is a live (non-zombie) process.
pid_alive() {
  local st
  [ -r "/proc/$1/status" ] || return 1
  st="$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)"
  [ -n "$st" ] && [ "$st" != "Z" ] && [ "$st" != "X" ]
}

# Wait (up to $2 seconds) until /proc/<pid> disappears, zombies included.
wait_pid_gone() {
  local i
  for i in $(seq 1 $(( $2 * 4 ))); do
    [ -d "/proc/$1" ] || return 0
    sleep 0.25
  done
  return 1
}

postmaster_pid() {
  local pid
  pid="$(head -n 1 "$DATA_DIR/postmaster.pid" 2>/dev/null || true)"
  case "$pid" in ''|*[!0-9]*) return 1 ;; esac
  printf '%s' "$pid"
}

# After a crash the dead postmaster may linger as a zombie for a moment; it
# still looks alive to kill(pid, 0), which would make pg_ctl and the new
# postmaster believe a server is running. Give the reaper time to collect it.
wait_for_dead_postmaster() {
  local pid
  pid="$(postmaster_pid)" || return 0
  if [ -d "/proc/$pid" ] && ! pid_alive "$pid"; then
    log "previous postmaster $pid is dead but not yet reaped; waiting"
    wait_pid_gone "$pid" 30 || log "warning: process $pid is still a zombie"
  fi
}

is_running() {
  [ -f "$DATA_DIR/PG_VERSION" ] || return 1
  local pid
  pid="$(postmaster_pid)" || return 1
  pid_alive "$pid" || return 1
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "postgres" ] || return 1
  [ -n "$PG_BIN" ] || PG_BIN="$(find_pg_bin)"
  match_bin_to_data
  [ -n "$PG_BIN" ] || return 1
  as_owner "$PG_BIN/pg_ctl" status -D "$DATA_DIR" >/dev/null 2>&1
}

port_in_use() {
  if command -v ss >/dev/null 2>&1; then
    ss -Hltn "sport = :$PORT" 2>/dev/null | grep -q .
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null
  fi
}

superuser_psql() {
  as_owner "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$RUN_DIR" -p "$PORT" -U "$SUPERUSER" -d postgres "$@"
}

write_settings() {
  # Rewritten on every start so that the port/socket follow the environment.
  local conf="$DATA_DIR/kpu.conf" tmp
  tmp="$(mktemp)"
  cat >"$tmp" <<EOF
# Managed by scripts/postgres.sh; rewritten on each start.
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$RUN_DIR'
unix_socket_permissions = 0700
max_connections = 200
shared_buffers = 256MB
work_mem = 8MB
maintenance_work_mem = 128MB
effective_cache_size = 1GB
# Durability stays fully on: these three must not be relaxed.
fsync = on
synchronous_commit = on
full_page_writes = on
# Less WAL volume and fewer checkpoints; neither affects crash safety.
wal_level = minimal
max_wal_senders = 0
archive_mode = off
wal_compression = on
max_wal_size = 2GB
checkpoint_timeout = 15min
jit = off
timezone = 'UTC'
log_timezone = 'UTC'
log_line_prefix = '%m [%p] %q%u@%d '
log_min_duration_statement = 2000
EOF
  if [ "$IS_ROOT" -eq 1 ]; then chown postgres:postgres "$tmp"; fi
  chmod 0600 "$tmp"
  mv -f "$tmp" "$conf"
  if ! grep -q "^include_if_exists = 'kpu.conf'" "$DATA_DIR/postgresql.conf"; then
    as_owner sh -c "printf '\n%s\n' \"include_if_exists = 'kpu.conf'\" >> '$DATA_DIR/postgresql.conf'"
  fi
}

init_cluster() {
  if [ -f "$DATA_DIR/PG_VERSION" ]; then return; fi
  if [ -n "$(ls -A "$DATA_DIR" 2>/dev/null)" ]; then
    die "$DATA_DIR is not empty but holds no PostgreSQL cluster; remove it or set KPU_PG_DIR"
  fi
  log "initialising a new cluster in $DATA_DIR"
  as_owner "$PG_BIN/initdb" -D "$DATA_DIR" -U "$SUPERUSER" -E UTF8 --no-locale \
    --auth-local=trust --auth-host=scram-sha-256 --data-checksums >&2
  # Loopback TCP connections use passwords; the unix socket (owner-only
  # directory) is trusted for the superuser maintenance connection.
  as_owner sh -c "cat > '$DATA_DIR/pg_hba.conf'" <<'EOF'
# Managed by scripts/postgres.sh
local   all   all                  trust
host    all   all   127.0.0.1/32   scram-sha-256
EOF
}

ensure_role_and_db() {
  superuser_psql <<EOF
SET client_min_messages = warning;
DO \$do\$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER') THEN
    CREATE ROLE $DB_USER LOGIN CREATEDB PASSWORD '$DB_PASSWORD';
  ELSE
    ALTER ROLE $DB_USER LOGIN CREATEDB PASSWORD '$DB_PASSWORD';
  END IF;
END
\$do\$;
-- Roles are server-wide and test runs start this script in parallel (serialised by the lock in cmd_start; a
-- migration of some database may still create the group role meanwhile, hence the exception handler).
DO \$do\$
BEGIN
  BEGIN
    CREATE ROLE $APP_GROUP NOLOGIN;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
  END;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$APP_USER') THEN
    CREATE ROLE $APP_USER LOGIN PASSWORD '$APP_PASSWORD';
  ELSE
    ALTER ROLE $APP_USER LOGIN NOCREATEDB NOCREATEROLE PASSWORD '$APP_PASSWORD';
  END IF;
END
\$do\$;
GRANT $APP_GROUP TO $APP_USER;
SELECT format('CREATE DATABASE %I OWNER %I', '$DB_NAME', '$DB_USER')
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$DB_NAME') \gexec
EOF
}

wait_ready() {
  local i
  for i in $(seq 1 240); do
    if "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -d postgres; then return 0; fi
    sleep 0.5
  done
  die "server did not accept connections on 127.0.0.1:$PORT; see $RUN_DIR/server.log"
}

# --------------------------------------------------------------- commands ---

cmd_start() {
  ensure_pg_bin
  resolve_layout
  prepare_dirs
  exec 9>"$RUN_DIR/.script.lock"
  if command -v flock >/dev/null 2>&1; then flock 9; fi
  wait_for_dead_postmaster
  if is_running; then
    wait_ready
    ensure_role_and_db
    conn_string
    return
  fi
  init_cluster
  write_settings
  if port_in_use; then
    die "port $PORT on 127.0.0.1 is already taken by another process (set KPU_PG_PORT)"
  fi
  log "starting PostgreSQL ($PG_BIN) on 127.0.0.1:$PORT, data $DATA_DIR"
  # fd 9 (the script lock) must not be inherited by the long-lived server.
  if ! as_owner "$PG_BIN/pg_ctl" start -D "$DATA_DIR" -l "$RUN_DIR/server.log" -w -t 300 >&2 9>&-; then
    tail -n 30 "$RUN_DIR/server.log" >&2 || true
    die "pg_ctl start failed"
  fi
  wait_ready
  ensure_role_and_db
  conn_string
}

cmd_stop() {
  resolve_layout
  if [ -n "$FALLBACK_NOTE" ]; then log "$FALLBACK_NOTE"; fi
  PG_BIN="$(find_pg_bin)"
  if [ -z "$PG_BIN" ] || [ ! -f "$DATA_DIR/PG_VERSION" ]; then
    log "no cluster at $DATA_DIR; nothing to stop"
    return 0
  fi
  if ! is_running; then
    log "server is not running"
    return 0
  fi
  log "stopping PostgreSQL (fast)"
  as_owner "$PG_BIN/pg_ctl" stop -D "$DATA_DIR" -m fast -w -t 120 >&2
}

cmd_kill() {
  resolve_layout
  if [ -n "$FALLBACK_NOTE" ]; then log "$FALLBACK_NOTE"; fi
  local pidfile="$DATA_DIR/postmaster.pid" pid children
  if [ ! -f "$pidfile" ]; then
    log "no postmaster.pid; nothing to kill"
    return 0
  fi
  pid="$(postmaster_pid)" || { log "unreadable postmaster.pid; nothing to kill"; return 0; }
  if ! pid_alive "$pid" || [ "$(cat "/proc/$pid/comm" 2>/dev/null)" != "postgres" ]; then
    log "postmaster $pid is not running"
    return 0
  fi
  children="$(pgrep -P "$pid" 2>/dev/null || true)"
  log "sending SIGKILL to postmaster $pid"
  kill -KILL "$pid" 2>/dev/null || true
  # Backends notice the postmaster's death and exit on their own. Wait until
  # they and the postmaster itself (possibly a zombie for a moment) are gone,
  # so that an immediate start is not refused.
  local c i alive=""
  for i in $(seq 1 60); do
    alive=""
    for c in $pid $children; do
      [ -d "/proc/$c" ] && alive="$alive $c"
    done
    [ -z "$alive" ] && return 0
    sleep 0.25
  done
  log "server processes still present after SIGKILL:$alive; sending SIGKILL to them"
  for c in $alive; do
    [ "$(cat "/proc/$c/comm" 2>/dev/null)" = "postgres" ] && kill -KILL "$c" 2>/dev/null || true
  done
  wait_pid_gone "$pid" 20 || true
}

cmd_psql() {
  local psql
  psql="$(client_bin psql)"
  PGPASSWORD="$DB_PASSWORD" exec "$psql" -X -h 127.0.0.1 -p "$PORT" -U "$DB_USER" -d "$DB_NAME" "$@"
}

cmd_status() {
  resolve_layout
  if is_running; then
    log "running: data $DATA_DIR, 127.0.0.1:$PORT"
    return 0
  fi
  log "not running (data $DATA_DIR)"
  return 3
}

main() {
  local cmd="${1:-}"
  [ $# -gt 0 ] && shift
  case "$cmd" in
    start)   cmd_start ;;
    stop)    cmd_stop ;;
    restart) cmd_stop; cmd_start ;;
    url)     cmd_url "$@" ;;
    psql)    cmd_psql "$@" ;;
    kill)    cmd_kill ;;
    status)  cmd_status ;;
    *)
      echo "usage: $0 start|stop|restart|url [--app]|psql [args]|kill|status" >&2
      exit 2 ;;
  esac
}

main "$@"
