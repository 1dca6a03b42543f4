"""account.invoice: margin and margin %, costs frozen at validation, and the profitability
facts kept current."""
from odoo import api, fields, models

from .account_invoice_line import INVOICE_FIGURES_GROUPS

# the invoices the profitability report counts, and what its facts copy from them
CUSTOMER_TYPES = ("out_invoice", "out_refund")
POSTED_STATES = ("open", "paid")
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
        customer_invoices = self.filtered(lambda inv: inv.type in CUSTOMER_TYPES)
        customer_invoices.mapped("invoice_line_ids")._freeze_costs()
        return super().invoice_validate()

    def _profitability_posted(self):
        """The posted customer invoices and credit notes among these: those with facts."""
        return self.filtered(
            lambda inv: inv.state in POSTED_STATES and inv.type in CUSTOMER_TYPES)

    @api.multi
    def _write(self, vals):
        # _write, not write: recomputed stored fields (the commercial entity when a contact
        # changes company) reach the database through it too
        if not _FACT_FIELDS.intersection(vals):
            return super()._write(vals)
        # posted before or after the change (read before: the write drops them from cache)
        changed = self.filtered(
            lambda inv: (inv.type in CUSTOMER_TYPES or vals.get("type") in CUSTOMER_TYPES)
            and (inv.state in POSTED_STATES or vals.get("state") in POSTED_STATES))
        result = super()._write(vals)
        self.env["crm.profitability.line"]._refresh(changed)
        return result
