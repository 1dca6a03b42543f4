#!/usr/bin/env bash
# pylint with the pylint-odoo plugin (Odoo 11.0 rules) and flake8, in their own environment.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
LINT_VENV=${LINT_VENV:-$ROOT/.local/lint-venv}
PY=${LINT_PYTHON:-python3}
reqs="pylint-odoo==9.3.24 flake8==7.1.1"
stamp=$LINT_VENV/.installed
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$reqs" ]; then
  "$PY" -m venv "$LINT_VENV" || { echo "lint: '$PY -m venv' failed" >&2; exit 1; }
  "$LINT_VENV/bin/pip" install -q --disable-pip-version-check $reqs \
    || { echo "lint: installing $reqs failed" >&2; exit 1; }
  echo "$reqs" >"$stamp"
fi
cd "$ROOT"
echo "lint: flake8"
"$LINT_VENV/bin/flake8" crm_extended tools $(ls -d bench 2>/dev/null || true) --config=.flake8
echo "lint: pylint-odoo"
# the guide splits an inherited model into one file per capability (see .pylintrc)
"$LINT_VENV/bin/pylint" --rcfile=.pylintrc --disable=consider-merging-classes-inherited crm_extended
echo "lint: clean"
