from odoo import _, api, fields, models

from .sale_order import UTM_FIELDS

_DRAFT_EDITABLE = {"draft": [("readonly", False)]}


class AccountInvoice(models.Model):
    _inherit = "account.invoice"

    # -- attribution
    campaign_id = fields.Many2one(track_visibility="onchange", readonly=True,
                                  states=_DRAFT_EDITABLE)
    medium_id = fields.Many2one(track_visibility="onchange", readonly=True,
                                states=_DRAFT_EDITABLE)
    source_id = fields.Many2one(track_visibility="onchange", readonly=True,
                                states=_DRAFT_EDITABLE)

    @api.model
    def _get_refund_common_fields(self):
        """Credit notes of every mode (refund, cancel, modify) keep the attribution, so
        that revenue nets per campaign."""
        common = super()._get_refund_common_fields()
        if self.env["sale.order"]._attribution_enabled():
            common = common + list(UTM_FIELDS)
        return common

    @api.multi
    def _check_grouped_attribution(self):
        """An invoice grouping several orders keeps their attribution only when they all
        agree; otherwise it is left empty and the chatter says why."""
        for invoice in self:
            orders = invoice.invoice_line_ids.mapped("sale_line_ids.order_id")
            attributions = {tuple(order[name] for name in UTM_FIELDS) for order in orders}
            if len(attributions) <= 1:
                continue
            invoice.write(dict.fromkeys(UTM_FIELDS, False))
            invoice.message_post(
                body=_("Campaign, medium and source left empty: the grouped orders %s are "
                       "attributed differently.") % ", ".join(orders.mapped("name")),
                subtype="mail.mt_note")

    # -- profitability
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
