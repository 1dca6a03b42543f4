#!/usr/bin/env bash
# Runs Odoo 11 from the project's virtual environment against the project's cluster,
# with the repository as an addons path. Writes .local/odoo.conf on every call.
#   tools/odoo.sh [odoo arguments...]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV=${VENV:-$ROOT/.venv}
PGPORT=${PGPORT:-54329}
HTTP_PORT=${HTTP_PORT:-8069}
CONF=${ODOO_CONF:-$ROOT/.local/odoo.conf}
[ -x "$VENV/bin/python" ] || { echo "odoo: no virtual environment at $VENV; run 'make venv'" >&2; exit 1; }
mkdir -p "$(dirname "$CONF")" "$ROOT/.local/filestore"
cat >"$CONF" <<CONF
[options]
addons_path = $ROOT
data_dir = $ROOT/.local/filestore
db_host = 127.0.0.1
db_port = $PGPORT
db_user = ${DB_USER:-odoo}
db_password = False
http_interface = 127.0.0.1
http_port = $HTTP_PORT
list_db = False
admin_passwd = ${ADMIN_PASSWD:-admin}
without_demo = False
CONF
exec "$VENV/bin/python" "$ROOT/tools/odoo-bin" -c "$CONF" "$@"
