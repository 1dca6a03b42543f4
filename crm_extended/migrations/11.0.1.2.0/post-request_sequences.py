# Copyright 2026 crm_extended authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Request types draw only from a numbering of their own: the ones pointing at another
(a customer invoice numbering, another type's) get their own, the other left untouched."""
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    api.Environment(cr, SUPERUSER_ID, {})["crm.request.type"]._migrate_foreign_sequences()
