#!/usr/bin/env bash
# Real-browser tests: Debian's headless Chromium driven by Playwright's Node client (no browser
# download), against Odoo served by the project's own scripts on loopback with the demo data.
#   browser/run.sh [node --test arguments]
# Environment: BROWSER_DB (crm_extended_browser), BROWSER_HTTP_PORT (18090), CHROMIUM
# (/usr/bin/chromium). Fails, never skips, when the browser cannot be installed or started.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
DB=${BROWSER_DB:-crm_extended_browser}
PORT=${BROWSER_HTTP_PORT:-18090}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
PLAYWRIGHT_VERSION=1.65.1
NODE_DIR=$ROOT/.local/browser
die() { echo "browser: $*" >&2; exit 1; }

install_chromium() {
  [ -x "$CHROMIUM" ] && return
  tools/debian_package.sh chromium chromium || die "cannot install Chromium"
  [ -x "$CHROMIUM" ] || die "no Chromium at $CHROMIUM after installing it"
}

install_playwright() {
  [ -f "$NODE_DIR/node_modules/playwright-core/package.json" ] \
    && grep -q "\"version\": \"$PLAYWRIGHT_VERSION\"" "$NODE_DIR/node_modules/playwright-core/package.json" \
    && return
  command -v npm >/dev/null || die "npm not found (Node.js 18 or later is needed)"
  npm install --prefix "$NODE_DIR" --no-audit --no-fund --silent "playwright-core@$PLAYWRIGHT_VERSION" \
    || die "npm could not install playwright-core@$PLAYWRIGHT_VERSION"
}

serve() {
  tools/db.sh fresh "$DB" demo
  ODOO_CONF=$ROOT/.local/odoo-browser.conf HTTP_PORT=$PORT tools/odoo.sh -d "$DB" \
    --db-filter="^$DB\$" --workers=0 --max-cron-threads=0 --log-level=warn \
    >"$ROOT/.local/browser-server.log" 2>&1 &
  SERVER=$!
  trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
  for _ in $(seq 120); do
    curl -fs -o /dev/null "http://127.0.0.1:$PORT/web/login" && return
    kill -0 $SERVER 2>/dev/null || die "the server stopped, see .local/browser-server.log"
    sleep 1
  done
  die "the server did not answer on port $PORT within 120 s"
}

install_chromium
install_playwright
serve
export BASE_URL=http://127.0.0.1:$PORT CHROMIUM NODE_PATH=$NODE_DIR/node_modules
export SCREENSHOTS=$ROOT/.local/screenshots
mkdir -p "$SCREENSHOTS"
node --test --test-concurrency=1 "${@:-browser/tests/}"
