from odoo import api, fields, models, tools

from ..models.account_invoice_profitability import CUSTOMER_TYPES, POSTED_STATES

# The figures of one posted customer invoice line, as the report shows them: company
# currency, credit notes negative, discount against the list price when it was invoiced.
_FACT_SELECT = """
    SELECT line.id AS invoice_line_id,
           inv.id AS invoice_id,
           inv.date_invoice AS date,
           inv.commercial_partner_id AS partner_id,
           inv.user_id,
           inv.team_id,
           line.product_id,
           inv.campaign_id,
           (SELECT o.pricelist_id
              FROM sale_order_line_invoice_rel rel
              JOIN sale_order_line ol ON ol.id = rel.order_line_id
              JOIN sale_order o ON o.id = ol.order_id
             WHERE rel.invoice_line_id = line.id
             LIMIT 1) AS pricelist_id,
           line.company_id,
           inv.type,
           line.price_subtotal_signed AS revenue,
           line.price_subtotal_signed - line.margin AS cost,
           line.margin,
           CASE WHEN inv.type = 'out_refund' THEN -1 ELSE 1 END * line.quantity AS quantity,
           CASE WHEN inv.type = 'out_refund' THEN -1 ELSE 1 END
             * COALESCE(template.list_price, 0) * line.quantity
             - line.price_subtotal_signed AS discount_amount
      FROM account_invoice_line line
      JOIN account_invoice inv ON inv.id = line.invoice_id
      LEFT JOIN product_product product ON product.id = line.product_id
      LEFT JOIN product_template template ON template.id = product.product_tmpl_id
     WHERE inv.type IN %(types)s AND inv.state IN %(states)s
"""
_COLUMNS = ("invoice_line_id", "invoice_id", "date", "partner_id", "user_id", "team_id",
            "product_id", "campaign_id", "pricelist_id", "company_id", "type", "revenue",
            "cost", "margin", "quantity", "discount_amount")


class CrmProfitabilityLine(models.Model):
    """One row per line of a posted customer invoice or credit note, its dimensions and
    figures resolved: what the profitability report reads, instead of joining a million
    invoice lines to their invoices and filtering them on every question.

    Never stale: the invoice and its lines rewrite their rows in the transaction that
    changes them (validation, cancellation, reset to draft, credit notes, any change of a
    copied field, see ``_refresh``), and install or upgrade refills the table from the
    invoices. The customer's group, country and state and the product's category are not
    copied: the report joins them, so that they follow their records.
    """

    _name = "crm.profitability.line"
    _description = "Customer Profitability Fact"
    _log_access = False
    _order = "date desc, id desc"

    invoice_line_id = fields.Many2one("account.invoice.line", required=True, readonly=True,
                                      ondelete="cascade")
    invoice_id = fields.Many2one("account.invoice", required=True, readonly=True,
                                 ondelete="cascade", index=True)
    date = fields.Date(readonly=True, index=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", "Sales Channel", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True, index=True)
    campaign_id = fields.Many2one("utm.campaign", readonly=True)
    pricelist_id = fields.Many2one("product.pricelist", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    type = fields.Selection([("out_invoice", "Invoice"), ("out_refund", "Credit Note")],
                            readonly=True)
    revenue = fields.Float(readonly=True)
    cost = fields.Float(readonly=True)
    margin = fields.Float(readonly=True)
    quantity = fields.Float(readonly=True)
    discount_amount = fields.Float(readonly=True)

    _sql_constraints = [
        ("invoice_line_uniq", "unique(invoice_line_id)", "One row per invoice line."),
    ]

    @api.model_cr
    def init(self):
        # a customer's history by period, without visiting the table
        tools.create_index(self.env.cr, "crm_profitability_line_partner_date_index",
                           self._table, ["partner_id", "date"])
        self._fill()

    @api.model
    def _fill(self):
        """Rebuild the whole table from the posted invoices (install, upgrade)."""
        self.env.cr.execute("TRUNCATE %s" % self._table)
        self.env.cr.execute("INSERT INTO %s (%s) %s" % (
            self._table, ", ".join(_COLUMNS), _FACT_SELECT),
            {"types": CUSTOMER_TYPES, "states": POSTED_STATES})
        self.env.cr.execute("ANALYZE %s" % self._table)

    @api.model
    def _refresh(self, invoices):
        """Rewrite the rows of these invoices from what they are now, in one statement
        whatever the number of lines: rows of lines no longer posted go, the others are
        inserted or updated (and left alone when nothing changed)."""
        if not invoices:
            return
        keys = _COLUMNS[:1]
        values = _COLUMNS[1:]
        self.env.cr.execute("""
            WITH fresh AS (%(select)s AND inv.id IN %%(ids)s),
                 gone AS (DELETE FROM %(table)s fact
                           WHERE fact.invoice_id IN %%(ids)s
                             AND fact.invoice_line_id NOT IN (SELECT invoice_line_id
                                                                FROM fresh))
            INSERT INTO %(table)s (%(columns)s) SELECT %(columns)s FROM fresh
            ON CONFLICT (%(keys)s) DO UPDATE SET (%(values)s) = (%(excluded)s)
            WHERE (%(current)s) IS DISTINCT FROM (%(excluded)s)
        """ % {
            "select": _FACT_SELECT, "table": self._table, "columns": ", ".join(_COLUMNS),
            "keys": ", ".join(keys), "values": ", ".join(values),
            "excluded": ", ".join("EXCLUDED.%s" % name for name in values),
            "current": ", ".join("%s.%s" % (self._table, name) for name in values),
        }, {"types": CUSTOMER_TYPES, "states": POSTED_STATES, "ids": tuple(invoices.ids)})
        # records of the report read earlier in this transaction are stale now
        self.invalidate_cache()
        self.env["crm.profitability.report"].invalidate_cache()
