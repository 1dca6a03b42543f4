#!/usr/bin/env bash
# Creates the Python 3.7 virtual environment with Odoo 11 and the pinned dependencies.
# Re-running is a no-op unless requirements.txt or constraints.txt changed.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV=${VENV:-$ROOT/.venv}
stamp=$VENV/.crm_extended-installed
# Odoo 11 compiles its backend stylesheets with lessc (less 3 and the clean-css plugin).
LESS="less@3.0.4 less-plugin-clean-css@1.5.1"
want=$( (cat "$ROOT/requirements.txt" "$ROOT/constraints.txt"; echo "$LESS") | sha1sum | cut -c1-40)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then exit 0; fi

find_python37() {
  local c
  for c in "${PYTHON37:-}" "$(command -v python3.7 || true)" \
           "$(pyenv prefix 3.7.16 2>/dev/null)/bin/python3.7" \
           $(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.7*/bin/python3.7 2>/dev/null | sort -rV); do
    [ -n "$c" ] && [ -x "$c" ] && "$c" -c 'import sys; assert sys.version_info[:2] == (3, 7)' 2>/dev/null \
      && { echo "$c"; return; }
  done
  return 1
}
PY=$(find_python37) || {
  echo "venv: Odoo 11 needs Python 3.7 and none was found (tried \$PYTHON37, python3.7 on PATH," >&2
  echo "venv: 'pyenv prefix 3.7.16' and ~/.pyenv/versions/3.7*). Install it, e.g. 'pyenv install 3.7.16'," >&2
  echo "venv: or point PYTHON37 at a python3.7 binary." >&2
  exit 1
}
echo "venv: preparing $VENV with $PY"
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV" || { echo "venv: 'python3.7 -m venv' failed" >&2; exit 1; }
"$VENV/bin/pip" install -q --disable-pip-version-check --upgrade 'pip<24' wheel 'setuptools<58' \
  || { echo "venv: upgrading pip/setuptools failed" >&2; exit 1; }
"$VENV/bin/pip" install -q --disable-pip-version-check -r "$ROOT/requirements.txt" -c "$ROOT/constraints.txt" \
  || { echo "venv: installing Odoo 11 and its pinned dependencies failed (see pip's message above)" >&2; exit 1; }
command -v npm >/dev/null 2>&1 || { echo "venv: npm is needed to install lessc for Odoo's stylesheets (apt-get install npm)" >&2; exit 1; }
npm install --silent --no-audit --no-fund --prefix "$VENV/node" $LESS >/dev/null \
  || { echo "venv: installing lessc ($LESS) from the npm registry failed" >&2; exit 1; }
echo "$want" >"$stamp"
echo "venv: ready"
