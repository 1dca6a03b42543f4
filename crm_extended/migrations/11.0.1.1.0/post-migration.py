# Copyright 2026 crm_extended authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""RFM scores moved from columns of res_partner to the narrow table crm_partner_rfm.

The old columns only held figures derived from the posted invoices: they are dropped
(res_partner gets narrower for everything else) and the scores are computed into the new
table right away rather than at the next nightly run."""
from odoo import SUPERUSER_ID, api

OLD_COLUMNS = ["rfm_recency", "rfm_frequency", "rfm_monetary", "rfm_score", "rfm_segment",
               "rfm_last_invoice_date", "rfm_invoice_count", "rfm_revenue"]


def migrate(cr, version):
    if not version:
        return
    cr.execute("ALTER TABLE res_partner %s" % ", ".join(
        "DROP COLUMN IF EXISTS %s" % column for column in OLD_COLUMNS))
    api.Environment(cr, SUPERUSER_ID, {})["res.partner"]._compute_rfm_scores()
