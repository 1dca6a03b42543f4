from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .crm_extended_sql import posted_customer_invoices

# Posted invoice lines of the forecast's scope and period for the line's product, or for any
# product of the line's category and its subcategories.
FORECAST_LINE_CLOSED = """
    SELECT fl.id, COALESCE(SUM(line.price_subtotal_signed), 0)
      FROM crm_sales_forecast_line fl
      JOIN crm_sales_forecast f ON f.id = fl.forecast_id
      LEFT JOIN product_category categ ON categ.id = fl.categ_id
      LEFT JOIN account_invoice inv
             ON %(posted)s
            AND inv.company_id = f.company_id
            AND inv.date_invoice BETWEEN f.date_from AND f.date_to
            AND (f.user_id IS NULL OR inv.user_id = f.user_id)
            AND (f.team_id IS NULL OR inv.team_id = f.team_id)
      LEFT JOIN account_invoice_line line ON line.invoice_id = inv.id
      LEFT JOIN product_product product ON product.id = line.product_id
      LEFT JOIN product_template tmpl ON tmpl.id = product.product_tmpl_id
      LEFT JOIN product_category line_categ ON line_categ.id = tmpl.categ_id
     WHERE fl.id IN %%s
       AND (line.id IS NULL
            OR line.product_id = fl.product_id
            OR (fl.product_id IS NULL
                AND line_categ.parent_left >= categ.parent_left
                AND line_categ.parent_right <= categ.parent_right))
     GROUP BY fl.id
""" % {"posted": posted_customer_invoices()}


class CrmSalesForecastLine(models.Model):
    _name = "crm.sales.forecast.line"
    _description = "Sales Forecast by Product"
    _order = "forecast_id, sequence, id"

    forecast_id = fields.Many2one("crm.sales.forecast", required=True, ondelete="cascade",
                                  index=True)
    sequence = fields.Integer(default=10)
    product_id = fields.Many2one("product.product")
    categ_id = fields.Many2one("product.category", "Product Category")
    company_id = fields.Many2one(related="forecast_id.company_id", store=True, readonly=True)
    currency_id = fields.Many2one(related="forecast_id.currency_id", readonly=True)
    quota = fields.Monetary()
    closed_amount = fields.Monetary(
        "Closed", compute="_compute_closed_amount",
        help="Posted customer invoice lines minus credit notes of the product (or of the "
             "category and its subcategories) in the forecast's period and scope.")
    percent_of_quota_closed = fields.Float(
        "% of Quota Closed", compute="_compute_closed_amount", digits=(16, 1))

    @api.constrains("forecast_id", "product_id", "categ_id")
    def _check_product_or_category(self):
        if self.filtered(lambda line: bool(line.product_id) == bool(line.categ_id)):
            raise ValidationError(_("A forecast line is for a product or for a product "
                                    "category: choose one of the two."))

    def _compute_closed_amount(self):
        closed = {}
        if self.ids:
            self.env.cr.execute(FORECAST_LINE_CLOSED, [tuple(self.ids)])
            closed = dict(self.env.cr.fetchall())
        for line in self:
            line.closed_amount = closed.get(line.id, 0.0)
            line.percent_of_quota_closed = (
                100.0 * line.closed_amount / line.quota if line.quota else 0.0)
