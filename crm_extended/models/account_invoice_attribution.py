"""account.invoice: campaign attribution (editable while draft, carried to credit notes, left
empty when grouped orders disagree)."""
from odoo import _, api, fields, models

from .sale_order_attribution import UTM_FIELDS

_DRAFT_EDITABLE = {"draft": [("readonly", False)]}


class AccountInvoice(models.Model):
    _inherit = "account.invoice"

    campaign_id = fields.Many2one(track_visibility="onchange", readonly=True,
                                  states=_DRAFT_EDITABLE, groups="base.group_user")
    medium_id = fields.Many2one(track_visibility="onchange", readonly=True,
                                states=_DRAFT_EDITABLE, groups="base.group_user")
    source_id = fields.Many2one(track_visibility="onchange", readonly=True,
                                states=_DRAFT_EDITABLE, groups="base.group_user")

    @api.model
    def create(self, vals):
        # a credit note made by hand (or from a request) for an invoice nets against the
        # invoice's campaign unless told otherwise
        if vals.get("refund_invoice_id") and not all(vals.get(n) for n in UTM_FIELDS) \
                and self.env["sale.order"]._attribution_enabled():
            refunded = self.browse(vals["refund_invoice_id"])
            vals = dict(vals, **self.env["sale.order"]._utm_values_from(refunded, vals))
        return super().create(vals)

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
