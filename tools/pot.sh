#!/usr/bin/env bash
# The translation template of crm_extended, exported by Odoo itself from a fresh database.
#   tools/pot.sh          write crm_extended/i18n/crm_extended.pot
#   tools/pot.sh check    fail when the committed template is stale
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DB=${POT_DB:-crm_extended_pot}
POT=$ROOT/crm_extended/i18n/crm_extended.pot
out=$(mktemp --suffix=.po)  # Odoo exports a template as .po when no language is given
trap 'rm -f "$out"' EXIT
"$ROOT/tools/db.sh" fresh "$DB" nodemo >/dev/null
"$ROOT/tools/odoo.sh" -d "$DB" --modules=crm_extended --i18n-export="$out" --log-level=warn \
  >"$ROOT/.local/pot.log" 2>&1 || { cat "$ROOT/.local/pot.log" >&2; exit 1; }
# Only the dates in the header change from one export to the next.
strip() { grep -v '^"\(POT-Creation-Date\|PO-Revision-Date\):' "$1"; }
if [ "${1:-}" = check ]; then
  if ! diff -u <(strip "$POT" 2>/dev/null || true) <(strip "$out") >"$ROOT/.local/pot.diff"; then
    head -n 40 "$ROOT/.local/pot.diff" >&2
    echo "pot: crm_extended/i18n/crm_extended.pot is stale; run 'make pot' and commit it" >&2
    exit 1
  fi
  echo "pot: crm_extended/i18n/crm_extended.pot is current"
else
  mkdir -p "$(dirname "$POT")"
  cp "$out" "$POT"
  echo "pot: wrote crm_extended/i18n/crm_extended.pot ($(grep -c '^msgid ' "$POT") terms)"
fi
