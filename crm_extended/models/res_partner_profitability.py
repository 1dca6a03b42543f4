"""res.partner: profitability figures (rolling 12-month ranking and ABC class, lifetime KPIs)."""
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from .crm_extended_sql import ORDER_AMOUNT, ORDER_CURRENCY_JOINS, posted_customer_invoices

ABC_CLASSES = [("A", "A"), ("B", "B"), ("C", "C")]

# Orders are converted at their date with Odoo's rates ({rates}: _select_companies_rates).
_LIFETIME_KPI_QUERY = """
    WITH currency_rate AS ({rates}), invoiced AS (
        SELECT inv.commercial_partner_id AS partner_id,
               SUM(line.price_subtotal_signed) AS revenue,
               SUM(line.margin) AS margin,
               MAX(inv.date_invoice) AS last_date
          FROM account_invoice inv
          JOIN account_invoice_line line ON line.invoice_id = inv.id
         WHERE inv.commercial_partner_id IN %(partner_ids)s
           AND inv.company_id = %(company_id)s AND """ + posted_customer_invoices() + """
      GROUP BY inv.commercial_partner_id
    ), ordered AS (
        SELECT p.commercial_partner_id AS partner_id, COUNT(*) AS orders,
               SUM({order_amount}) AS total
          FROM sale_order so
          JOIN res_partner p ON p.id = so.partner_id
          {order_currency_joins}
         WHERE p.commercial_partner_id IN %(partner_ids)s
           AND so.company_id = %(company_id)s AND so.state IN ('sale', 'done')
      GROUP BY p.commercial_partner_id
    )
    SELECT COALESCE(i.partner_id, o.partner_id), COALESCE(i.revenue, 0),
           COALESCE(i.margin, 0), i.last_date, COALESCE(o.orders, 0), COALESCE(o.total, 0)
      FROM invoiced i FULL OUTER JOIN ordered o ON o.partner_id = i.partner_id
"""

# Revenue is summed over invoice lines, as posted to the income accounts line by line
# (an invoice's converted total may differ by a cent). Ranked customers: those with
# invoices in the window, in their own company (shared partners in the company running
# the action). ABC: a customer is in A when the customers
# ranked strictly before it make less than 80% of the revenue, B below 95%, C beyond;
# customers with equal revenue share rank and class.
_RANKING_QUERY = """
    WITH sales AS (
        SELECT inv.commercial_partner_id AS partner_id, inv.company_id,
               SUM(line.price_subtotal_signed) AS revenue, SUM(line.margin) AS margin
          FROM account_invoice inv
          JOIN account_invoice_line line ON line.invoice_id = inv.id
         WHERE inv.date_invoice > %(date_from)s AND """ + posted_customer_invoices() + """
      GROUP BY inv.commercial_partner_id, inv.company_id
    ), owned AS (
        SELECT s.* FROM sales s JOIN res_partner p ON p.id = s.partner_id
         WHERE s.company_id = COALESCE(p.company_id, %(company_id)s)
    ), ranked AS (
        SELECT partner_id, revenue, margin,
               RANK() OVER (PARTITION BY company_id ORDER BY revenue DESC) AS rank,
               SUM(revenue) OVER (PARTITION BY company_id) AS total,
               SUM(revenue) OVER (PARTITION BY company_id ORDER BY revenue DESC)
                 - SUM(revenue) OVER (PARTITION BY company_id, revenue) AS before
          FROM owned
    ), target AS (
        SELECT p.id, COALESCE(r.revenue, 0) AS revenue, COALESCE(r.margin, 0) AS margin,
               CASE WHEN r.total > 0 THEN ROUND(100 * r.revenue / r.total, 2) ELSE 0 END
                 AS share,
               r.rank,
               CASE WHEN r.partner_id IS NULL THEN NULL
                    WHEN r.total > 0 AND r.before < 0.80 * r.total THEN 'A'
                    WHEN r.total > 0 AND r.before < 0.95 * r.total THEN 'B'
                    ELSE 'C' END AS abc
          FROM res_partner p LEFT JOIN ranked r ON r.partner_id = p.id
         WHERE r.partner_id IS NOT NULL OR p.revenue_rank IS NOT NULL
            OR p.abc_class IS NOT NULL OR p.revenue_12m <> 0
    )
    UPDATE res_partner p
       SET revenue_12m = t.revenue, margin_12m = t.margin, revenue_share = t.share,
           revenue_rank = t.rank, abc_class = t.abc
      FROM target t
     WHERE p.id = t.id
       AND (p.revenue_12m, p.margin_12m, p.revenue_share, p.revenue_rank, p.abc_class)
           IS DISTINCT FROM (t.revenue, t.margin, t.share, t.rank, t.abc)
"""


class ResPartner(models.Model):
    _inherit = "res.partner"

    customer_group_id = fields.Many2one(
        "crm.customer.group", index=True, ondelete="restrict",
        help="Reporting group of the customer; contacts follow their company.")
    # Rolling figures of the commercial entity, stored (searchable, sortable) and kept
    # current by the ranking scheduled action: one SQL statement for all customers.
    revenue_12m = fields.Monetary(
        string="Revenue (12 months)", readonly=True, copy=False,
        help="Untaxed invoiced revenue minus credit notes over the last 12 months, company "
             "currency.")
    margin_12m = fields.Monetary(string="Margin (12 months)", readonly=True, copy=False)
    revenue_share = fields.Float(
        string="Revenue Share (%)", readonly=True, copy=False, digits=(16, 2),
        help="Share of the company's revenue over the last 12 months.")
    revenue_rank = fields.Integer(
        readonly=True, copy=False, group_operator=False,
        help="Rank by revenue over the last 12 months; equal revenues share a rank.")
    abc_class = fields.Selection(
        ABC_CLASSES, string="ABC Class", readonly=True, copy=False, index=True,
        help="A: the customers making the first 80% of the revenue of the last 12 months, "
             "B: the next 15%, C: the rest.")
    # Lifetime figures, computed for the displayed partners with one query.
    lifetime_revenue = fields.Monetary(compute="_compute_profitability_kpis")
    lifetime_margin = fields.Monetary(compute="_compute_profitability_kpis")
    last_invoice_date = fields.Date(compute="_compute_profitability_kpis")
    order_count = fields.Integer(string="Orders", compute="_compute_profitability_kpis")
    average_order_value = fields.Monetary(compute="_compute_profitability_kpis")

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + ["customer_group_id"]

    def _compute_profitability_kpis(self):
        company = self.env.user.company_id
        commercial = self.mapped("commercial_partner_id")
        figures = {}
        if commercial.ids:
            query = _LIFETIME_KPI_QUERY.format(
                rates=self.env["res.currency"]._select_companies_rates(),
                order_amount=ORDER_AMOUNT, order_currency_joins=ORDER_CURRENCY_JOINS)
            self.env.cr.execute(query, {
                "partner_ids": tuple(commercial.ids), "company_id": company.id})
            figures = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        for partner in self:
            revenue, margin, last_date, orders, order_total = figures.get(
                partner.commercial_partner_id.id, (0.0, 0.0, False, 0, 0.0))
            partner.lifetime_revenue = revenue
            partner.lifetime_margin = margin
            partner.last_invoice_date = last_date
            partner.order_count = orders
            partner.average_order_value = orders and order_total / orders

    def action_view_profitability(self):
        self.ensure_one()
        action = self.env.ref("crm_extended.crm_profitability_report_action").read()[0]
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"search_default_last_12_months": 1}
        return action

    @api.model
    def _cron_customer_ranking(self):
        """Revenue and margin of the last 12 months, share, rank and ABC class of every
        customer, per company, in one statement (window functions).

        A partner shared between companies is ranked in the company of the user running
        the action; a partner of a company in that company.
        """
        today = fields.Date.from_string(fields.Date.context_today(self))
        self.env.cr.execute(_RANKING_QUERY, {
            "date_from": fields.Date.to_string(today - relativedelta(years=1)),
            "company_id": self.env.user.company_id.id,
        })
        self.invalidate_cache(["revenue_12m", "margin_12m", "revenue_share",
                               "revenue_rank", "abc_class"])
        return True
