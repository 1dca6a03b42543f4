"""pytest plugin: serve Odoo over HTTP during the test session.

pytest-odoo 0.6.0 starts Odoo with ``stop=True``, which shuts the HTTP thread down again,
so ``HttpCase.url_open`` finds nothing listening. This starts Odoo's own threaded HTTP
server (the one ``odoo-bin`` runs) on the configured interface and port for the session.
"""
import os

import pytest

import odoo

# See tools/odoo.sh: the wheels ship addon fragments that must not be imported.
os.environ.setdefault("ODOO_PRELOAD_ADDONS", "no")


@pytest.fixture(scope="session", autouse=True)
def odoo_http_server():
    server = odoo.service.server.ThreadedServer(odoo.service.wsgi_server.application)
    server.http_spawn()
    yield server
    if server.httpd:
        server.httpd.shutdown()
