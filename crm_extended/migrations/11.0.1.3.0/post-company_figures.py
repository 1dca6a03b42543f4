# Copyright 2026 crm_extended authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The customer ranking and the RFM scores live per customer and company.

The ranking moved from columns of res_partner (one set of figures per partner, computed in
the company of whoever ran the nightly action) to crm_partner_ranking, one row per customer
and company; RFM rows, one per partner until now, are one per partner and company. Both
hold only figures derived from the posted invoices: they are computed into the tables
right away (every company's figures, the former ones included), then the partner columns,
which no field uses any more, are dropped."""
from odoo import SUPERUSER_ID, api

OLD_COLUMNS = ["revenue_12m", "margin_12m", "revenue_share", "revenue_rank", "abc_class"]


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["crm.partner.ranking"]._compute_ranking()
    env["crm.partner.rfm"]._compute_scores()
    cr.execute("ALTER TABLE res_partner %s" % ", ".join(
        "DROP COLUMN IF EXISTS %s" % column for column in OLD_COLUMNS))
