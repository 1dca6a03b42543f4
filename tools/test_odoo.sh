#!/usr/bin/env bash
# Odoo's own test suites of the modules crm_extended extends, on a demo database with
# crm_extended installed. Stock Odoo 11 on this stack: 81 tests, the failures listed in
# tools/known_failures.txt, 4 skips (PhantomJS tours).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV=${VENV:-$ROOT/.venv}
db=${1:?database}
addons=$("$VENV/bin/python" -c 'import odoo.addons, os; print(os.path.dirname(odoo.addons.__file__))')
cd "$addons"
PYTHONPATH=$ROOT/tools exec "$VENV/bin/pytest" -p no:cacheprovider -p known_failures -p odoo_http -rfEsx \
  --odoo-config="$ROOT/.local/odoo-test.conf" --odoo-database="$db" --odoo-log-level=critical \
  sale/tests account/tests crm/tests portal/tests mass_mailing/tests
