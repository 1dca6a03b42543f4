#!/usr/bin/env bash
# The project's own PostgreSQL cluster: initdb into an ignored folder, loopback only,
# its own port, started with pg_ctl. Never a system service.
#   tools/pg.sh start | stop | status
# Environment: PGPORT (default 54329), PG_DIR (default <repo>/.local/pg).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PGPORT=${PGPORT:-54329}
PG_DIR=${PG_DIR:-$ROOT/.local/pg}
DB_USER=${DB_USER:-odoo}

die() { echo "pg: $*" >&2; exit 1; }

find_bindir() {
  local d
  if command -v pg_config >/dev/null 2>&1; then
    d=$(pg_config --bindir 2>/dev/null || true)
    [ -x "$d/initdb" ] && { echo "$d"; return; }
  fi
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
    [ -x "$d/initdb" ] && { echo "$d"; return; }
  done
  d=$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")
  [ -x "$d/initdb" ] && { echo "$d"; return; }
  return 1
}

BIN=$(find_bindir) || die "no PostgreSQL server binaries found (looked at pg_config --bindir, /usr/lib/postgresql/*/bin, PATH). Install them, e.g. 'apt-get install postgresql-15'."

# PostgreSQL refuses to run as root: as root, the cluster runs as the 'postgres' system user.
AS=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin postgres \
    || die "running as root and no 'postgres' user could be created to own the cluster"
  AS=(runuser -u postgres --)
fi
run() { "${AS[@]}" "$@"; }

data=$PG_DIR/data
sock=$PG_DIR/run
log=$PG_DIR/postgresql.log

prepare_dir() {
  mkdir -p "$PG_DIR"
  if [ ${#AS[@]} -gt 0 ]; then
    chown postgres: "$PG_DIR"
    run test -w "$PG_DIR" \
      || die "the 'postgres' user cannot reach $PG_DIR (a parent folder is not traversable); set PG_DIR to a reachable folder"
  fi
}

is_running() { run "$BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; }

init_cluster() {
  [ -f "$data/PG_VERSION" ] && return
  echo "pg: creating cluster in $data (port $PGPORT)"
  prepare_dir
  run mkdir -p "$sock"
  run "$BIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 \
    || die "initdb failed, see $PG_DIR/initdb.log"
  run tee -a "$data/postgresql.conf" >/dev/null <<CONF
# crm_extended: loopback only, own port and socket folder
listen_addresses = '127.0.0.1'
port = $PGPORT
unix_socket_directories = '$sock'
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 512MB
work_mem = 32MB
maintenance_work_mem = 256MB
max_connections = 200
CONF
}

start() {
  init_cluster
  if is_running; then echo "pg: running on 127.0.0.1:$PGPORT"; return; fi
  run mkdir -p "$sock"
  run "$BIN/pg_ctl" -D "$data" -l "$log" -w -t 60 start >/dev/null \
    || die "the cluster did not start, see $log: $(tail -n 3 "$log" 2>/dev/null | tr '\n' ' ')"
  run "$BIN/psql" -h "$sock" -p "$PGPORT" -U postgres -d postgres -qtAc \
    "DO \$\$BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER') THEN CREATE ROLE \"$DB_USER\" LOGIN SUPERUSER; END IF; END\$\$;" \
    || die "could not create the database role '$DB_USER'"
  echo "pg: running on 127.0.0.1:$PGPORT"
}

stop() {
  if [ -f "$data/PG_VERSION" ] && is_running; then
    run "$BIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null && echo "pg: stopped"
  else
    echo "pg: not running"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if [ -f "$data/PG_VERSION" ] && is_running; then echo "pg: running on 127.0.0.1:$PGPORT"; else echo "pg: not running"; exit 3; fi ;;
  *) die "usage: tools/pg.sh start|stop|status" ;;
esac
