"""account.invoice: margin, costs frozen at validation, profitability facts kept current."""
from odoo import api, fields, models

from .account_invoice_line import INVOICE_FIGURES_GROUPS
from .crm_extended_sql import CUSTOMER_INVOICE_TYPES, is_posted_customer_invoice

# what the facts of the profitability report copy from an invoice
_FACT_FIELDS = {"state", "type", "date_invoice", "commercial_partner_id", "user_id", "team_id",
                "campaign_id", "company_id"}


class AccountInvoice(models.Model):
    _inherit = "account.invoice"

    margin = fields.Monetary(
        compute="_compute_margin", store=True, currency_field="company_currency_id",
        help="Untaxed amount minus cost of the lines, in company currency (negative on "
             "credit notes).", groups=INVOICE_FIGURES_GROUPS)
    margin_percent = fields.Float(
        string="Margin (%)", compute="_compute_margin", store=True, group_operator=False,
        help="Margin over untaxed amount, both in company currency.",
        groups=INVOICE_FIGURES_GROUPS)

    @api.depends("invoice_line_ids.margin", "invoice_line_ids.price_subtotal_signed")
    def _compute_margin(self):
        for invoice in self:
            lines = invoice.invoice_line_ids
            revenue = sum(lines.mapped("price_subtotal_signed"))
            invoice.margin = sum(lines.mapped("margin"))
            invoice.margin_percent = revenue and 100.0 * invoice.margin / revenue

    @api.multi
    def invoice_validate(self):
        # costs first, so that posting writes the facts of the report once, costs included
        customer_invoices = self.filtered(lambda inv: inv.type in CUSTOMER_INVOICE_TYPES)
        customer_invoices.mapped("invoice_line_ids")._freeze_costs()
        return super().invoice_validate()

    def _profitability_posted(self):
        """The posted customer invoices and credit notes among these: those with facts."""
        return self.filtered(lambda inv: is_posted_customer_invoice(inv.type, inv.state))

    @api.multi
    def _write(self, vals):
        # _write, not write: recomputed stored fields (the commercial entity when a contact
        # changes company) reach the database through it too
        if not _FACT_FIELDS.intersection(vals):
            return super()._write(vals)
        # posted before or after the change (read before: the write drops them from cache)
        changed = self.filtered(
            lambda inv: is_posted_customer_invoice(inv.type, inv.state)
            or is_posted_customer_invoice(vals.get("type", inv.type),
                                          vals.get("state", inv.state)))
        result = super()._write(vals)
        self.env["crm.profitability.line"]._refresh(changed)
        return result
