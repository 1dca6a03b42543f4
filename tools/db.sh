#!/usr/bin/env bash
# Databases with crm_extended installed.
#   tools/db.sh ensure DB demo|nodemo   create DB unless it already has crm_extended installed
#   tools/db.sh fresh  DB demo|nodemo   drop DB and create it anew
#   tools/db.sh bare   DB demo|nodemo   drop DB and create it from the template, without crm_extended
# A database of the dependencies alone is cached as a template (named after a hash of the
# pinned requirements and the manifest's depends), so that a fresh database only installs
# crm_extended itself. The template is rebuilt when either changes.
# TEMPLATE_FROM_PGPORT=<port>: a second cluster copies the template from the cluster on that
# port when it has it (a dump takes seconds, building it takes minutes).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PGPORT=${PGPORT:-54329}
export PGHOST=127.0.0.1 PGPORT PGUSER=${DB_USER:-odoo}
VENV=${VENV:-$ROOT/.venv}
FILESTORE=${DATA_DIR:-$ROOT/.local/filestore}/filestore
action=${1:?usage: tools/db.sh ensure|fresh DB demo|nodemo}
db=${2:?database name}
demo=${3:-demo}
die() { echo "db: $*" >&2; exit 1; }

q() { psql -X -qtA -d "${2:-postgres}" -c "$1"; }
exists() { [ "$(q "SELECT 1 FROM pg_database WHERE datname = '$1'")" = 1 ]; }
installed() {
  exists "$1" && [ "$(q "SELECT state FROM ir_module_module WHERE name = 'crm_extended'" "$1" 2>/dev/null)" = installed ]
}
drop() {
  if exists "$1"; then
    q "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$1'" >/dev/null
    dropdb "$1"
  fi
  rm -rf "${FILESTORE:?}/$1"
}
depends() {
  "$VENV/bin/python" -c "import ast,sys; print(','.join(ast.literal_eval(open(sys.argv[1]).read())['depends']))" \
    "$ROOT/crm_extended/__manifest__.py"
}
odoo_flags() { [ "$demo" = demo ] && echo "" || echo "--without-demo=all"; }

copy_template() {
  local src=${TEMPLATE_FROM_PGPORT:-}
  [ -n "$src" ] && [ "$src" != "$PGPORT" ] || return 1
  [ "$(PGPORT=$src q "SELECT datistemplate FROM pg_database WHERE datname = '$1'" 2>/dev/null)" = t ] || return 1
  echo "db: copying template $1 from the cluster on port $src" >&2
  createdb "$1" && pg_dump -h 127.0.0.1 -p "$src" -Fc "$1" | pg_restore -d "$1" --no-owner \
    && q "UPDATE pg_database SET datistemplate = true WHERE datname = '$1'" >/dev/null \
    || { drop "$1"; return 1; }
}

template() {
  local deps hash tpl
  deps=$(depends)
  hash=$( (cat "$ROOT/requirements.txt" "$ROOT/constraints.txt"; echo "$deps") | sha1sum | cut -c1-8)
  tpl=crm_tpl_${demo}_$hash
  # Several checkouts may share one cluster: one builds the template, the others wait for it.
  mkdir -p "$FILESTORE"
  exec 9>"$FILESTORE/.$tpl.lock"
  flock 9
  if ! exists "$tpl" || [ "$(q "SELECT datistemplate FROM pg_database WHERE datname = '$tpl'")" != t ]; then
    drop "$tpl"
    if ! copy_template "$tpl"; then
      echo "db: building template $tpl (dependencies only, $demo; a few minutes, once)" >&2
      "$ROOT/tools/odoo.sh" -d "$tpl" -i "$deps" $(odoo_flags) --stop-after-init --log-level=warn \
        >"$ROOT/.local/$tpl.log" 2>&1 || die "installing the dependencies failed, see .local/$tpl.log"
      grep -q " ERROR $tpl odoo.modules.loading\| CRITICAL " "$ROOT/.local/$tpl.log" \
        && die "installing the dependencies reported errors, see .local/$tpl.log"
      q "UPDATE pg_database SET datistemplate = true WHERE datname = '$tpl'" >/dev/null
    fi
  fi
  exec 9>&-
  echo "$tpl"
}

# The wheels ship auto-installable addon fragments whose dependencies are not there (e.g.
# purchase_mrp); Odoo leaves them "to install" forever, and its cron workers skip every database
# with modules to install. They can never be installed here, so they are marked uninstalled.
forget_fragments() {
  q "UPDATE ir_module_module SET state = 'uninstalled' WHERE state = 'to install'" "$db" >/dev/null
}

create_bare() {
  local tpl
  tpl=$(template)
  drop "$db"
  createdb -T "$tpl" "$db" || die "createdb $db from $tpl failed"
  [ -d "$FILESTORE/$tpl" ] && mkdir -p "$FILESTORE" && cp -a "$FILESTORE/$tpl" "$FILESTORE/$db"
  forget_fragments
}

create() {
  create_bare
  echo "db: installing crm_extended into $db ($demo)"
  "$ROOT/tools/odoo.sh" -d "$db" -i crm_extended $(odoo_flags) --stop-after-init --log-level=warn \
    >"$ROOT/.local/$db.install.log" 2>&1 || { tail -n 30 "$ROOT/.local/$db.install.log" >&2; die "installing crm_extended into $db failed, see .local/$db.install.log"; }
  if grep -E " (ERROR|CRITICAL) $db " "$ROOT/.local/$db.install.log" | grep -v "odoo.modules.graph: module .*: Unmet dependencies" >&2; then
    die "installing crm_extended into $db logged errors (above), see .local/$db.install.log"
  fi
  installed "$db" || die "crm_extended is not installed in $db after the install, see .local/$db.install.log"
  forget_fragments
}

case "$action" in
  ensure) installed "$db" && echo "db: $db ready" || create ;;
  fresh) create ;;
  bare) create_bare ;;
  drop) drop "$db" ;;
  *) die "unknown action $action" ;;
esac
