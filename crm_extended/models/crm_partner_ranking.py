# Copyright 2026 crm_extended authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""crm.partner.ranking: each customer's 12-month revenue, margin, share, rank and ABC class
in each company that invoices it, shown on the partner for the user's company."""
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from .crm_extended_sql import posted_customer_invoices, replace_partner_figures

ABC_CLASSES = [("A", "A"), ("B", "B"), ("C", "C")]

# Revenue is summed over invoice lines, as posted to the income accounts line by line
# (an invoice's converted total may differ by a cent). A customer is ranked in every
# company that invoiced it in the window, among that company's customers. ABC: a customer
# is in A when the customers ranked strictly before it make less than 80% of the revenue,
# B below 95%, C beyond; customers with equal revenue share rank and class.
RANKING_SQL = """
    WITH sales AS (
        SELECT inv.commercial_partner_id AS partner_id, inv.company_id,
               SUM(line.price_subtotal_signed) AS revenue, SUM(line.margin) AS margin
          FROM account_invoice inv
          JOIN account_invoice_line line ON line.invoice_id = inv.id
         WHERE inv.date_invoice > %(date_from)s AND """ + posted_customer_invoices() + """
           AND inv.commercial_partner_id IS NOT NULL
      GROUP BY inv.commercial_partner_id, inv.company_id
    ), ranked AS (
        SELECT partner_id, company_id, revenue, margin,
               RANK() OVER (PARTITION BY company_id ORDER BY revenue DESC) AS rank,
               SUM(revenue) OVER (PARTITION BY company_id) AS total,
               SUM(revenue) OVER (PARTITION BY company_id ORDER BY revenue DESC)
                 - SUM(revenue) OVER (PARTITION BY company_id, revenue) AS before
          FROM sales
    )
    SELECT partner_id, company_id, revenue, margin,
           CASE WHEN total > 0 THEN ROUND(100 * revenue / total, 2) ELSE 0 END AS share,
           rank,
           CASE WHEN total > 0 AND before < 0.80 * total THEN 'A'
                WHEN total > 0 AND before < 0.95 * total THEN 'B'
                ELSE 'C' END AS abc_class
      FROM ranked
"""
RANKING_COLUMNS = ["revenue", "margin", "share", "rank", "abc_class"]


class CrmPartnerRanking(models.Model):
    """One row per customer and company: a customer shared between companies, or invoiced
    by several, has the figures of each, and each company's users see their own (the
    partner's ``revenue_12m``... fields, see res.partner). Written by the nightly ranking
    in one statement, as crm.partner.rfm is."""

    _name = "crm.partner.ranking"
    _description = "Customer Ranking per Company"
    _rec_name = "partner_id"
    _order = "company_id, rank, partner_id"
    _log_access = False

    partner_id = fields.Many2one("res.partner", string="Customer", required=True,
                                 readonly=True, index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, readonly=True,
                                 ondelete="cascade")
    currency_id = fields.Many2one(related="company_id.currency_id", readonly=True)
    revenue = fields.Monetary(string="Revenue (12 months)", readonly=True)
    margin = fields.Monetary(string="Margin (12 months)", readonly=True)
    share = fields.Float(string="Revenue Share (%)", digits=(16, 2), readonly=True)
    rank = fields.Integer(readonly=True, group_operator=False)
    abc_class = fields.Selection(ABC_CLASSES, string="ABC Class", readonly=True, index=True)
    # who the customer is, as the list shows it
    customer_group_id = fields.Many2one(related="partner_id.customer_group_id", readonly=True)
    country_id = fields.Many2one(related="partner_id.country_id", readonly=True)
    user_id = fields.Many2one(related="partner_id.user_id", string="Salesperson",
                              readonly=True)

    _sql_constraints = [
        ("partner_company_uniq", "unique (partner_id, company_id)",
         "A customer has one ranking per company."),
    ]

    @api.model
    def _compute_ranking(self):
        """Rank every customer invoiced in the last 12 months, in each company; returns the
        number of rows written. Rows whose figures did not change are left alone, customers
        no longer invoiced in a company lose their row there."""
        today = fields.Date.from_string(fields.Date.context_today(self))
        written = replace_partner_figures(
            self.env.cr, "crm_partner_ranking", RANKING_SQL,
            {"date_from": fields.Date.to_string(today - relativedelta(years=1))},
            columns=RANKING_COLUMNS, compared=RANKING_COLUMNS)
        self.invalidate_cache()
        self.env["res.partner"].invalidate_cache()
        return written
