"""account.invoice.line: unit cost frozen at validation and the margin of each line."""
from odoo import api, fields, models
from odoo.addons import decimal_precision as dp

# Costs and margins are ours: salespeople (CRM Extended users) and invoicing staff see them,
# customers never do.
INVOICE_FIGURES_GROUPS = "crm_extended.group_crm_extended_user,account.group_account_invoice"
# what the profitability facts copy from an invoice line
_FACT_FIELDS = {"price_subtotal_signed", "margin", "cost_price", "quantity", "product_id",
                "company_id", "invoice_id", "sale_line_ids"}


class AccountInvoiceLine(models.Model):
    _inherit = "account.invoice.line"

    cost_price = fields.Float(
        string="Unit Cost", digits=dp.get_precision("Product Price"), copy=True,
        help="Unit cost in company currency and in the line's unit of measure, frozen when "
             "the invoice is validated: the cost of the sale order line when there is one, "
             "else the product's cost at that moment.",
        groups=INVOICE_FIGURES_GROUPS)
    margin = fields.Monetary(
        compute="_compute_margin", store=True, currency_field="company_currency_id",
        help="Untaxed amount minus cost in company currency; negative revenue and cost on "
             "credit notes.",
        groups=INVOICE_FIGURES_GROUPS)

    @api.multi
    def _write(self, vals):
        if not _FACT_FIELDS.intersection(vals):
            return super()._write(vals)
        # a line moved to another invoice leaves the facts of the first one too
        invoices = self.mapped("invoice_id") | self.env["account.invoice"].browse(
            vals.get("invoice_id") or [])
        result = super()._write(vals)
        self.env["crm.profitability.line"]._refresh(invoices._profitability_posted())
        return result

    @api.depends("price_subtotal_signed", "cost_price", "quantity", "invoice_id.type")
    def _compute_margin(self):
        for line in self:
            line.margin = line._margin_for_cost(line.cost_price)

    def _margin_for_cost(self, cost_price):
        sign = -1 if self.invoice_id.type in ("out_refund", "in_refund") else 1
        currency = self.company_id.currency_id or self.env.user.company_id.currency_id
        return currency.round(self.price_subtotal_signed - sign * cost_price * self.quantity)

    def _freeze_costs(self):
        """Freeze the unit cost and margin of all these lines in one UPDATE.

        Called on validation, so that later changes of product costs leave past margins
        alone; a hot path, hence one statement for all lines rather than a write per line.
        """
        if not self:
            return
        rows = []
        for company in self.mapped("company_id"):
            lines = self.filtered(lambda line, c=company: line.company_id == c)
            product_costs = {
                product.id: product.standard_price
                for product in lines.mapped("product_id").with_context(force_company=company.id)
            }
            for line in lines:
                cost = line._cost_at_validation(product_costs)
                rows.append((line.id, cost, line._margin_for_cost(cost)))
        self.env.cr.execute(
            "UPDATE account_invoice_line l SET cost_price = v.cost::numeric, "
            "margin = v.margin::numeric FROM (VALUES %s) AS v(id, cost, margin) "
            "WHERE l.id = v.id" % ", ".join(["%s"] * len(rows)), rows)
        self.invalidate_cache(["cost_price", "margin"], self.ids)
        # the invoice totals (and anything else built on line margins) follow
        self.modified(["margin"])
        self.recompute()
        self.env["crm.profitability.line"]._refresh(
            self.mapped("invoice_id")._profitability_posted())

    def _cost_at_validation(self, product_costs):
        """Unit cost in company currency for this line's unit of measure."""
        self.ensure_one()
        if self.invoice_id.refund_invoice_id and self.cost_price:
            # a credit note takes back the goods at the cost frozen on the invoice
            return self.cost_price
        sale_line = self.sale_line_ids[:1]
        if sale_line and "purchase_price" in sale_line._fields:
            # sale_margin is installed: the order line's cost, in the pricelist currency
            order = sale_line.order_id
            cost = order.pricelist_id.currency_id.with_context(date=order.date_order).compute(
                sale_line.purchase_price, self.company_id.currency_id, round=False)
            from_uom = sale_line.product_uom
        else:
            cost = product_costs.get(self.product_id.id, 0.0)
            from_uom = self.product_id.uom_id
        if self.uom_id and from_uom and from_uom != self.uom_id:
            cost = from_uom._compute_price(cost, self.uom_id)
        return cost
