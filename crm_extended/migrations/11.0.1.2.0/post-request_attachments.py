# Copyright 2026 crm_extended authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Files attached to requests before the upload allowlist are served as text when their type
would let a browser run them (HTML, XML, SVG, scripts)."""
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    api.Environment(cr, SUPERUSER_ID, {})["crm.request"]._neutralise_stored_uploads()
