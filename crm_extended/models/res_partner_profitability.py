"""res.partner: profitability figures (rolling 12-month ranking and ABC class, lifetime KPIs)."""
from odoo import api, fields, models

from .crm_extended_sql import ORDER_AMOUNT, ORDER_CURRENCY_JOINS, posted_customer_invoices
from .crm_partner_ranking import ABC_CLASSES
from .res_partner_company_figures import company_figure_field

SALES = "crm_extended.group_crm_extended_user"


def _ranking_field(field_class, column, string, **kwargs):
    """A field of the partner's crm.partner.ranking row, for the people who sell."""
    return company_figure_field(field_class, "crm.partner.ranking", column, string, SALES,
                                **kwargs)


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


class ResPartner(models.Model):
    _inherit = "res.partner"

    # internal users at large: Odoo copies the group of a company to its contacts as
    # whoever edits them (commercial fields)
    customer_group_id = fields.Many2one(
        "crm.customer.group", index=True, ondelete="restrict", groups="base.group_user",
        help="Reporting group of the customer; contacts follow their company.")
    # Rolling figures of the commercial entity in the user's company, kept per company in
    # crm.partner.ranking by the ranking scheduled action (searchable here; sorted and
    # grouped in the ranking's own list).
    revenue_12m = _ranking_field(
        fields.Monetary, "revenue", "Revenue (12 months)",
        help="Untaxed invoiced revenue minus credit notes over the last 12 months, company "
             "currency.")
    margin_12m = _ranking_field(fields.Monetary, "margin", "Margin (12 months)")
    revenue_share = _ranking_field(
        fields.Float, "share", "Revenue Share (%)", digits=(16, 2),
        help="Share of the company's revenue over the last 12 months.")
    revenue_rank = _ranking_field(
        fields.Integer, "rank", "Revenue Rank",
        help="Rank by revenue over the last 12 months; equal revenues share a rank.")
    abc_class = _ranking_field(
        fields.Selection, "abc_class", "ABC Class", selection=ABC_CLASSES,
        help="A: the customers making the first 80% of the revenue of the last 12 months, "
             "B: the next 15%, C: the rest.")
    # Lifetime figures in the user's company, computed for the displayed partners with
    # one query.
    lifetime_revenue = fields.Monetary(compute="_compute_profitability_kpis", groups=SALES)
    lifetime_margin = fields.Monetary(compute="_compute_profitability_kpis", groups=SALES)
    last_invoice_date = fields.Date(compute="_compute_profitability_kpis", groups=SALES)
    order_count = fields.Integer(string="Orders", compute="_compute_profitability_kpis",
                                 groups=SALES)
    average_order_value = fields.Monetary(compute="_compute_profitability_kpis",
                                          groups=SALES)

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + ["customer_group_id"]

    def _compute_profitability_kpis(self):
        company = self.env["res.company"].browse(self._figures_company_id())
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
        customer in every company that invoiced it (crm.partner.ranking), whoever runs
        it."""
        self.env["crm.partner.ranking"]._compute_ranking()
        return True
