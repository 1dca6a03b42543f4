from odoo import api, fields, models


class AccountInvoice(models.Model):
    _inherit = "account.invoice"

    margin = fields.Monetary(
        compute="_compute_margin", store=True, currency_field="company_currency_id",
        help="Untaxed amount minus cost of the lines, in company currency (negative on "
             "credit notes).")
    margin_percent = fields.Float(
        string="Margin (%)", compute="_compute_margin", store=True, group_operator=False,
        help="Margin over untaxed amount, both in company currency.")

    @api.depends("invoice_line_ids.margin", "invoice_line_ids.price_subtotal_signed")
    def _compute_margin(self):
        for invoice in self:
            lines = invoice.invoice_line_ids
            revenue = sum(lines.mapped("price_subtotal_signed"))
            invoice.margin = sum(lines.mapped("margin"))
            invoice.margin_percent = revenue and 100.0 * invoice.margin / revenue

    @api.multi
    def invoice_validate(self):
        result = super().invoice_validate()
        customer_invoices = self.filtered(lambda inv: inv.type in ("out_invoice", "out_refund"))
        customer_invoices.mapped("invoice_line_ids")._freeze_costs()
        return result
