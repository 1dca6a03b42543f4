"""pytest plugin: mark the core tests listed in known_failures.txt as strict xfail."""
import os

import pytest

LIST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "known_failures.txt")


def _known():
    with open(LIST) as handle:
        return {line.strip() for line in handle if line.strip() and not line.startswith("#")}


def pytest_collection_modifyitems(config, items):
    known = _known()
    seen = set()
    for item in items:
        nodeid = item.nodeid.split("odoo/addons/", 1)[-1]
        if nodeid in known:
            seen.add(nodeid)
            item.add_marker(pytest.mark.xfail(strict=True, reason="known stock Odoo 11 failure"))
    missing = known - seen
    if missing:
        raise pytest.UsageError("known failures not collected: %s" % ", ".join(sorted(missing)))
