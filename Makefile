# crm_extended: two commands on a fresh machine.
#   make run    serve Odoo 11 with crm_extended and demo data on http://localhost:$(HTTP_PORT)
#   make test   the addon's tests on a fresh database of the project's own PostgreSQL cluster
# Other targets: test-odoo (Odoo's own suites with crm_extended installed), test-runner (the
# addon's tests under Odoo's own runner on a demo database), test-browser
# (headless Chromium through Playwright), test-reliability (a real multi-worker server under
# load, faults and bad input, on its own cluster), lint, stop, bench.

DB        ?= crm_extended
TEST_DB   ?= crm_extended_test
CORE_DB   ?= crm_extended_core
RUNNER_DB ?= crm_extended_runner
RUNNER_RUNS ?= install,update,core
HTTP_PORT ?= 8069
TEST_HTTP_PORT ?= 18069
PGPORT    ?= 54329
VENV      ?= $(CURDIR)/.venv
LINT_VENV ?= $(CURDIR)/.local/lint-venv
PYTEST_ARGS ?=
export PGPORT HTTP_PORT VENV

ODOO   := tools/odoo.sh
PYTEST := PYTHONPATH=$(CURDIR)/tools $(VENV)/bin/pytest -p no:cacheprovider -p odoo_http --odoo-config=$(CURDIR)/.local/odoo-test.conf --odoo-log-level=warn

.PHONY: run test test-odoo test-runner test-browser test-reliability pot check-pot lint stop venv pg db update \
	bench clean help
.DEFAULT_GOAL := help

help:
	@sed -n '2,6p' Makefile | sed 's/^# *//'

venv:
	@tools/venv.sh
	@tools/debian_package.sh wkhtmltopdf wkhtmltopdf
	@tools/debian_package.sh pdftotext poppler-utils

pg:
	@tools/pg.sh start

db: venv pg
	@tools/db.sh ensure $(DB) demo

run: db
	@echo
	@echo "  crm_extended on http://localhost:$(HTTP_PORT)  (database $(DB))"
	@echo "  logins: admin / admin (manager), demo / demo (salesperson), camila / portal and erik / portal (portal customers)"
	@echo "  stop with Ctrl-C; 'make stop' stops the database cluster"
	@echo
	@$(ODOO) -d $(DB) --db-filter='^$(DB)$$'

update: venv pg
	@$(ODOO) -d $(DB) -u crm_extended --stop-after-init

test: venv pg
	@tools/db.sh fresh $(TEST_DB) nodemo
	@ODOO_TEST=1 HTTP_PORT=$(TEST_HTTP_PORT) $(ODOO) --write-config
	$(PYTEST) --odoo-database=$(TEST_DB) crm_extended/tests $(PYTEST_ARGS)

test-odoo: venv pg
	@tools/db.sh fresh $(CORE_DB) demo
	@ODOO_TEST=1 HTTP_PORT=$(TEST_HTTP_PORT) $(ODOO) --write-config
	@tools/test_odoo.sh $(CORE_DB)

# odoo-bin -i crm_extended, then -u crm_extended, then -u of the core addons, --test-enable,
# on a demo database; ends with "N passed, N failed" (see tools/test_runner.py).
# RUNNER_RUNS=install,core skips the separate update: the core run updates crm_extended too.
test-runner: venv pg
	@TEST_HTTP_PORT=$(TEST_HTTP_PORT) $(VENV)/bin/python tools/test_runner.py --db=$(RUNNER_DB) \
		--runs=$(RUNNER_RUNS)

test-browser: venv pg
	@browser/run.sh

# Own cluster and ports: the suite restarts its database server on purpose. Whatever ends
# the run (failure, time limit, Ctrl-C, a CI job killed), the trap stops its server and cluster.
REL_DB        ?= crmx_rel
REL_HTTP_PORT ?= 18107
REL_LONGPOLLING_PORT ?= $(shell echo $$(($(REL_HTTP_PORT) + 1)))
REL_PGPORT    ?= 54340
REL_ARGS      ?=
REL_RUN := $(VENV)/bin/python tools/reliability/run.py --db=$(REL_DB) \
	--http-port=$(REL_HTTP_PORT) --longpolling-port=$(REL_LONGPOLLING_PORT) \
	--pgport=$(REL_PGPORT) --pg-dir=$(CURDIR)/.local/pg-rel --template-from-pgport=$(PGPORT)
test-reliability: venv pg
	@trap '$(REL_RUN) $(REL_ARGS) --cleanup' EXIT; trap 'exit 143' INT TERM; \
	$(REL_RUN) $(REL_ARGS)

pot: venv pg
	@tools/pot.sh

check-pot: venv pg
	@tools/pot.sh check

lint:
	@tools/lint.sh

bench: venv pg
	@$(MAKE) -C bench run

stop:
	@tools/pg.sh stop

clean: stop
	rm -rf .local
